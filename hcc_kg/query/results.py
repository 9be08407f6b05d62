"""The three answer types: rows for SELECT, triples for CONSTRUCT, a boolean for ASK.

Whichever backend answered, rows are kept in the SPARQL 1.1 JSON results shape, so renderers and
tests see one form; the output-format registry renders any of the three without the caller testing
which it holds.
"""

from __future__ import annotations

import re
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

_CONCAT = re.compile(r"GROUP_CONCAT\s*\((.*?)\)\s*AS\s*[?$]([A-Za-z_][A-Za-z0-9_]*)",
                     re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r";\s*SEPARATOR\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)')\s*$",
                        re.IGNORECASE | re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def concatenated_columns(text: str) -> dict[str, str]:
    """The ``GROUP_CONCAT(...) AS ?column`` columns of a query, each with its separator.

    SPARQL leaves the order of a GROUP_CONCAT's values to the engine, and Oxigraph's is the order in
    which rows reach the aggregate: after a hash join that differs from one process to the next, and
    an ORDER BY in a sub-select is not kept (neither the standard nor Oxigraph promises it). So the
    values are sorted after the query (:func:`sort_concatenated`), on every backend alike.
    """
    from hcc_kg.query.safety import blank_lexical

    blanked = blank_lexical(text)
    columns = {}
    for match in _CONCAT.finditer(blanked):
        inner = text[match.start(1):match.end(1)]
        sep = _SEPARATOR.search(inner)
        raw = (sep.group(1) if sep.group(1) is not None else sep.group(2)) if sep else " "
        columns[match.group(2)] = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)
    return columns


def _natural(value: str) -> tuple[Any, ...]:
    """Sort key: numbers by value (4 before 12 before 43), text by code point."""
    return tuple((0, float(part), "") if part[:1].isdigit() else (1, 0.0, part)
                 for part in re.split(r"(\d+(?:\.\d+)?)", value) if part)


def sort_concatenated(rows: Rows, text: str) -> Rows:
    """The answer with each GROUP_CONCAT cell's values in a fixed order (natural sort), duplicates kept."""
    columns = {c: s for c, s in concatenated_columns(text).items() if c in rows.variables and s}
    if not columns:
        return rows
    out = []
    for row in rows.rows:
        new = dict(row)
        for column, sep in columns.items():
            cell = row.get(column)
            if cell is not None and sep in cell["value"]:
                new[column] = {**cell, "value": sep.join(sorted(cell["value"].split(sep), key=_natural))}
        out.append(new)
    return Rows(rows.variables, out)
