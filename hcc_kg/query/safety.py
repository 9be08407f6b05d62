"""What any query may do here: read the graph, within a deadline and a size limit, and nothing else.

A query is user input (a reviewer's copied query, a client of ``hcc-kg serve``). Two rules hold on every
backend: no ``SERVICE`` (a federated query makes the engine send HTTP requests to any URL it names:
server-side request forgery), and no answer without a limit. The check is lexical: comments, string
literals and IRIs are blanked first, so a keyword inside them is not a keyword; anything that still
reads as the ``SERVICE`` keyword is refused, erring on the side of refusing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hcc_kg.errors import QueryError

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_QUERY_CHARS = 200_000

_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'      # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'               # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"               # IRIs (no spaces: '<' as less-than is never followed by one)
    r"|#[^\n]*",                          # comments
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:-])", re.IGNORECASE)


def blank_lexical(text: str) -> str:
    """The query with comments, string literals and IRIs replaced by spaces (offsets kept)."""
    return _LEXICAL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass(frozen=True)
class Limits:
    """The limits a query runs under; the error names the one that was hit."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES

    def too_slow(self) -> QueryError:
        """The error for a query that passed its deadline."""
        return QueryError(f"the query did not finish within {self.timeout_s:g} s (the timeout; "
                          "--timeout sets it)")

    def too_big(self) -> QueryError:
        """The error for an answer over the size limit."""
        return QueryError(f"the answer is larger than {self.max_bytes / 1e6:g} MB (the answer size limit)")


def check_query(text: str) -> None:
    """Refuse what no query may do here: federated SERVICE calls and oversized query texts."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    match = _SERVICE.search(blank_lexical(text))
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise QueryError(f"SERVICE (federated query) is not allowed: queries here read this graph only "
                         f"and never call other endpoints (line {line})")
