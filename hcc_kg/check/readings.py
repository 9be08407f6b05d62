"""One comparison, two readings; and duplicates: the same thing curated twice.

Two findings of one study that agree on everything that says *what* was measured (endpoint, statistic,
arms, timepoint, subgroup, population, detail, analysis, factor) but print different numbers are the
text-vs-table kind of contradiction; where no curator recorded it, the flag proposes it. Two findings
sharing a quoted passage and every number are a duplicate (information only).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from hcc_kg.check.flags import Flag
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord, quote_list

NUMBERS = ("value", "comparator_value", "hr", "ci_low", "ci_high")


def what(f: FindingRecord) -> tuple[object, ...]:
    """Everything that says what a finding measured, in whom."""
    population = f.population.model_dump_json() if f.population else None
    return (f.study, f.endpoint, f.statistic, f.arm, f.comparator_arm, f.timepoint, f.subgroup, population,
            f.outcome_detail, f.analysis, f.factor, f.criteria, f.unit)


def numbers(f: FindingRecord) -> tuple[object, ...]:
    """The printed numbers and p of a finding (values compared as numbers: 3.0 equals 3)."""
    return (*(None if getattr(f, n) is None else getattr(f, n).normalize() for n in NUMBERS), f.p_bound())


def _printed(f: FindingRecord) -> str:
    parts = [f"{n} {show(getattr(f, n))}" for n in NUMBERS if getattr(f, n) is not None]
    return f"{f.id}: " + (", ".join(parts) or "no number") + (f", {f.p}" if f.p else "")


@rule("two-readings",
      "One comparison of one study has one result; two findings of it with different numbers are a "
      "contradiction the curators should record (text vs table, abstract vs body).", "warning")
def two_readings(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Pairs with the same ``what`` and different numbers, not yet in a recorded conflict."""
    groups: dict[tuple[object, ...], list[FindingRecord]] = defaultdict(list)
    for f in view.data.findings:
        if any(getattr(f, n) is not None for n in NUMBERS):
            groups[what(f)].append(f)
    for group in groups.values():
        for a, b in combinations(group, 2):
            if numbers(a) != numbers(b) and not view.recorded(a.id, b.id):
                yield self.flag(view, [a.id, b.id], [_printed(a), _printed(b)], "one set of numbers",
                                f"{a.id} and {b.id} report the same comparison with different numbers "
                                "and no conflict is recorded between them (propose one)")


def _passages(f: FindingRecord) -> set[str]:
    return {re.sub(r"\s+", "", p) for p in quote_list(f.quote)}


@rule("duplicate-record",
      "The same passage curated twice with the same numbers counts one result twice.", "info")
def duplicate_record(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Findings sharing a passage, what they measured and every number (not already recorded readings).

    A table quoted whole holds many rows with equal counts (3 patients with fever, 3 with nausea): the
    outcome detail and the rest of ``what`` must agree too, or it is not the same result.
    """
    by_passage: dict[str, list[FindingRecord]] = defaultdict(list)
    for f in view.data.findings:
        if any(getattr(f, n) is not None for n in NUMBERS):
            for passage in _passages(f):
                by_passage[passage].append(f)
    seen: set[frozenset[str]] = set()
    for group in by_passage.values():
        for a, b in combinations(group, 2):
            pair = frozenset((a.id, b.id))
            if pair in seen or what(a) != what(b) or numbers(a) != numbers(b) or view.recorded(a.id, b.id):
                continue
            seen.add(pair)
            yield self.flag(view, sorted(pair), [_printed(a), _printed(b)], "one record per result",
                            f"{a.id} and {b.id} quote the same passage with the same numbers")
