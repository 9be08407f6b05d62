"""Flag markers in evidence tables: a finding cell gets ⚑ (confirmed) or ⚑? (unreviewed).

Any SELECT answer with a ``finding`` column (an id or a finding IRI) is marked when it is rendered for
people (table, Markdown, HTML) and the graph that answered it is known; machine formats (CSV, TSV,
JSON) keep the cells as the query returned them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hcc_kg.query.flagged import LEGEND, marker, open_flags
from hcc_kg.query.results import Rows

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph

COLUMN = "finding"


def mark_findings(results: Rows, kg: KnowledgeGraph | None) -> tuple[Rows, str]:
    """The answer with a marker after every flagged finding, and the legend ("" when none is marked)."""
    from hcc_kg.query.evidence import finding_iri

    if kg is None or COLUMN not in results.variables or not results.rows:
        return results, ""
    iris = {row[COLUMN]["value"]: finding_iri(row[COLUMN]["value"]) for row in results.rows if COLUMN in row}
    flags = open_flags(kg, iris.values())
    if not flags:
        return results, ""
    rows = []
    for row in results.rows:
        cell = row.get(COLUMN)
        mark = marker(flags.get(iris[cell["value"]], ())) if cell else ""
        rows.append({**row, COLUMN: {**cell, "value": f"{cell['value']} {mark}"}} if cell and mark else row)
    return Rows(results.variables, rows), LEGEND
