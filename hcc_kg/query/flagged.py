"""Markers for findings that carry a plausibility flag a reader should know of.

A finding is marked when a flag about it is unreviewed (nobody has checked the numbers yet) or
confirmed (a curator found the source's numbers wrong); a flag reviewed as not an error leaves no
marker. The evidence tables, the summary-of-findings table and the exports all use these marks, read
from the graph (``queries/api/finding_flags.rq``) on whichever backend answered the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hcc_kg.namespaces import ID

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph

MAX_NODES_PER_QUERY = 2_000
MARKS = {"confirmed": "⚑", "unreviewed": "⚑?"}
"""The marker shown after a finding: ⚑ for a confirmed flag, ⚑? for an unreviewed one."""
LEGEND = ("⚑ the source's numbers for this finding are inconsistent (a confirmed plausibility flag); "
          "⚑? a plausibility flag not yet reviewed. See saved query 13_plausibility_flags.")


@dataclass(frozen=True)
class FlagMark:
    """One open flag of a finding: its id, rule and review status (confirmed or unreviewed)."""

    flag: str
    rule: str
    status: str

    @property
    def mark(self) -> str:
        """The marker text for this flag."""
        return MARKS[self.status]


def marker(marks: Iterable[FlagMark]) -> str:
    """The marker for a finding's flags ("" without one): ⚑ if any is confirmed, else ⚑?."""
    statuses = {m.status for m in marks}
    return MARKS["confirmed"] if "confirmed" in statuses else MARKS["unreviewed"] if statuses else ""


def open_flags(kg: KnowledgeGraph, iris: Iterable[str]) -> dict[str, list[FlagMark]]:
    """The open flags of each given record IRI (records without one are left out)."""
    from hcc_kg.query.saved import with_values

    query = kg.api_query("finding_flags")
    todo = sorted(set(iris))
    found: dict[str, list[FlagMark]] = {}
    for start in range(0, len(todo), MAX_NODES_PER_QUERY):
        for row in kg.backend.select(with_values(query, "node", todo[start:start + MAX_NODES_PER_QUERY])):
            flag = row["flag"]["value"].removeprefix(ID + "flag/")
            found.setdefault(row["node"]["value"], []).append(
                FlagMark(flag, row["rule"]["value"], row["status"]["value"]))
    return {iri: sorted(set(marks), key=lambda m: m.flag) for iri, marks in found.items()}
