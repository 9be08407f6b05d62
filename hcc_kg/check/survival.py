"""Median vs survival rate.

Half the patients are alive at the median survival time, so a rate below 50% at a timepoint says
the median came before it, and a rate above 50% says it came after.

Medians and rates are paired within one study, endpoint, subgroup and population, by arm (a rate's
comparator value belongs to its comparator arm). Only medians in months or "not reached" are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import half_unit
from hcc_kg.check.rules import Rule, SourceView, rule
from hcc_kg.curation.records import FindingRecord

HALF = Decimal(50)
MONTHS = {"month": Decimal(1), "months": Decimal(1), "year": Decimal(12), "years": Decimal(12)}


def not_reached(f: FindingRecord) -> bool:
    """A median the source reports as not reached (``value_status``, or said in ``value_note``; no value)."""
    said = "not reached" in (f.value_note or "").lower()
    return f.value is None and (f.value_status == "not-reached" or said)


def months(timepoint: str | None) -> Decimal | None:
    """A timepoint in months ('3 years' -> 36), or None for weeks and unparsed text."""
    if timepoint is None:
        return None
    number, _, unit = timepoint.partition(" ")
    factor = MONTHS.get(unit)
    return Decimal(number) * factor if factor is not None else None


Group = tuple[object, ...]


def _group(f: FindingRecord) -> Group:
    population = f.population.model_dump_json() if f.population else None
    return f.study, f.endpoint, f.subgroup, population


def rate_index(view: SourceView) -> dict[Group, list[tuple[FindingRecord, Decimal]]]:
    """The source's survival rates in % with their timepoints in months, by study, endpoint and group.

    Made once per rule run, so pairing medians with rates stays linear in the number of findings.
    """
    index: dict[Group, list[tuple[FindingRecord, Decimal]]] = defaultdict(list)
    for f in view.data.findings:
        at = months(f.timepoint)
        if f.statistic == "rate" and f.unit == "%" and not f.value_relation and at is not None:
            index[_group(f)].append((f, at))
    return index


def rates_of(index: dict[Group, list[tuple[FindingRecord, Decimal]]],
             median: FindingRecord) -> Iterator[tuple[FindingRecord, Decimal, Decimal]]:
    """(rate finding, timepoint in months, the median arm's rate in %) for every rate of its group."""
    for f, at in index.get(_group(median), []):
        if f.arm == median.arm and f.value is not None:
            yield f, at, f.value
        elif median.arm is not None and f.comparator_arm == median.arm and f.comparator_value is not None:
            yield f, at, f.comparator_value


def _medians(view: SourceView) -> Iterator[FindingRecord]:
    for f in view.data.findings:
        if f.statistic == "median" and f.comparator_arm is None and (f.unit == "months" or not_reached(f)):
            yield f


@rule("median-not-reached-vs-rate",
      "A median survival not reached means more than half the arm is still alive; a survival rate below "
      "50% at a printed timepoint contradicts it.", "warning")
def median_not_reached(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Every rate surely below 50% in the arm of a 'not reached' median."""
    index = rate_index(view)
    for median in _medians(view):
        if not not_reached(median):
            continue
        rates = rates_of(index, median)
        below = sorted(((at, rate, f) for f, at, rate in rates if rate + half_unit(rate) < HALF),
                       key=lambda x: x[0])
        if below:
            at, rate, first = below[0]
            yield self.flag(view, [median.id, *(f.id for _, _, f in below)],
                            [f"{median.id}: median not reached",
                             *(f"{f.id}: {r}% at {f.timepoint}" for _, r, f in below)],
                            "a survival rate of at least 50% at every printed timepoint",
                            f"{median.id}: the median is reported as not reached, but {first.id} gives "
                            f"{rate}% alive at {first.timepoint}")


@rule("median-vs-rate",
      "Survival is 50% at the median: a rate below 50% before the median, or above 50% after it, cannot "
      "both be right.", "warning")
def median_vs_rate(self: Rule, view: SourceView) -> Iterator[Flag]:
    """A printed median in months against the same arm's rates, both rounded."""
    index = rate_index(view)
    for median in _medians(view):
        value = median.value
        if value is None or median.value_relation not in (None, "="):
            continue
        slack = half_unit(value)
        for f, at, rate in rates_of(index, median):
            early = at < value - slack and rate + half_unit(rate) < HALF
            late = at > value + slack and rate - half_unit(rate) > HALF
            if early or late:
                yield self.flag(view, [median.id, f.id],
                                [f"{median.id}: median {value} months", f"{f.id}: {rate}% at {f.timepoint}"],
                                f"a rate {'of at least' if early else 'of at most'} 50% at {f.timepoint}",
                                f"{median.id}: median {value} months, but {f.id} gives {rate}% alive at "
                                f"{f.timepoint}, {'before' if early else 'after'} the median")
