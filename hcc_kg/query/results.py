"""The three answer types: rows for SELECT, triples for CONSTRUCT, a boolean for ASK.

Whichever backend answered, rows are kept in the SPARQL 1.1 JSON results shape, so renderers and
tests see one form; the output-format registry renders any of the three without the caller testing
which it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

Binding = dict[str, str]
"""One cell as in SPARQL JSON results.

Its keys: ``type`` (uri, literal, bnode), ``value``, ``xml:lang``, ``datatype``.
"""


@dataclass(frozen=True)
class Rows:
    """A SELECT answer: variables in order, and one binding map per row."""

    variables: list[str]
    rows: list[dict[str, Binding]] = field(default_factory=list)
    form: ClassVar[str] = "SELECT"

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Binding]]:
        return iter(self.rows)

    def as_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document."""
        return {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}

    def values(self) -> list[dict[str, str]]:
        """Rows as plain strings (IRIs and literal lexical forms; "" where unbound)."""
        return [{v: row[v]["value"] if v in row else "" for v in self.variables} for row in self.rows]

    def column(self, variable: str) -> list[str]:
        """One column's values, "" where unbound."""
        return [row[variable]["value"] if variable in row else "" for row in self.rows]


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE answer: pyoxigraph triples, in the order the engine gave them."""

    triples: list[Any] = field(default_factory=list)
    form: ClassVar[str] = "CONSTRUCT"

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.triples)

    def ntriples(self) -> set[str]:
        """The triples as N-Triples lines, for comparing answers across engines."""
        return {str(t) for t in self.triples}


@dataclass(frozen=True)
class Boolean:
    """An ASK answer."""

    value: bool
    form: ClassVar[str] = "ASK"

    def __bool__(self) -> bool:
        return self.value

    def as_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document."""
        return {"head": {}, "boolean": self.value}


Answer = Rows | Triples | Boolean
