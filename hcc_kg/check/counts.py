"""Counts vs percentages (GRIM-style) and parts vs whole.

n/N against the printed %, at the printed precision; arm sizes against the study's size; a count
against the group it counts in.

Percentages are read from the records (a count finding and a proportion finding of one group) or,
only where unambiguous, from the finding's own ``outcome_detail`` ("96 of 132 patients", "(42.1%)").
Category counts against their denominator are not checked: the curated categories overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import decimals, percent_matches
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord

FRACTION = re.compile(r"(?<![\d.])(\d+)\s*(?:/|of)\s*(\d+)(?![\d.])")
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")
PEOPLE = ("patients",)


def _detail(f: FindingRecord) -> str:
    """The detail without a trailing parenthesis: "prior therapy, no (...)" pairs with "prior therapy, no"."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", f.outcome_detail or "").strip()


def _group(f: FindingRecord) -> tuple[object, ...]:
    population = f.population.model_dump_json() if f.population else None
    return (f.study, f.arm, f.comparator_arm, f.endpoint, f.subgroup, population, f.timepoint, f.criteria,
            _detail(f))


def _grim(rule_: Rule, view: SourceView, members: list[str], count: Decimal, total: int,
          printed: Decimal, where: str) -> Flag | None:
    if percent_matches(count, total, printed):
        return None
    exact = (count * 100 / Decimal(total)).quantize(Decimal("0.001"))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals(printed)), rounding=ROUND_HALF_UP)
    return rule_.flag(view, members, [f"{where}: {show(count)}/{total} printed as {printed}%"],
                      f"{rounded}% ({show(count)}/{total} = {exact}%)",
                      f"{where}: {show(count)} of {total} is {exact}%, which does not round to the "
                      f"printed {printed}%")


@rule("count-vs-percentage",
      "A percentage printed with its count and denominator must be the count divided by the denominator, "
      "rounded to the printed precision (the GRIM test).", "warning")
def count_vs_percentage(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Count/proportion pairs of one group; n/N or (x%) inside a finding's own detail."""
    groups: dict[tuple[object, ...], list[FindingRecord]] = defaultdict(list)
    for f in view.data.findings:
        groups[_group(f)].append(f)
    for group in groups.values():
        counts = [f for f in group if f.statistic == "count" and f.unit in PEOPLE and f.value is not None]
        shares = [f for f in group if f.statistic in ("proportion", "rate") and f.unit == "%"
                  and f.value is not None and f.value_relation is None]
        if len(counts) != 1 or len(shares) != 1:
            continue
        n, pct = counts[0], shares[0]
        own = view.arm_size(n.arm, n) if n.arm else view.cohort(n)
        sides = ((n.value, pct.value, own),
                 (n.comparator_value, pct.comparator_value, view.arm_size(n.comparator_arm, n)))
        for number, printed, size in sides:
            if number is not None and printed is not None and size:
                flag = _grim(self, view, [n.id, pct.id], number, size, printed, f"{n.id} / {pct.id}")
                if flag is not None:
                    yield flag
    for f in view.data.findings:
        detail = f.outcome_detail or ""
        if f.value is None or f.comparator_value is not None or f.value_relation is not None:
            continue
        fractions = FRACTION.findall(detail)
        percents = PERCENT.findall(detail)
        if f.statistic in ("proportion", "rate") and f.unit == "%" and len(fractions) == 1 and not percents:
            part, total = int(fractions[0][0]), int(fractions[0][1])
            flag = _grim(self, view, [f.id], Decimal(part), total, f.value, f.id)
        elif f.statistic == "count" and f.unit in PEOPLE and len(percents) == 1 and not fractions:
            size = view.cohort(f)
            flag = _grim(self, view, [f.id], f.value, size, Decimal(percents[0]), f.id) if size else None
        else:
            flag = None
        if flag is not None:
            yield flag


@rule("arms-exceed-study",
      "The arms of a study are parts of its sample; together they cannot hold more patients than it.",
      "warning")
def arms_exceed_study(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Sum of arm sizes against the sample size; an arm as large as the study is the whole cohort."""
    for study in view.data.studies:
        if study.sample_size is None:
            continue
        parts = [a for a in study.arms if a.size is not None and a.size != study.sample_size]
        total = sum(a.size or 0 for a in parts)
        if len(parts) > 1 and total > study.sample_size:
            sizes = " + ".join(f"{a.id} {a.size}" for a in parts)
            yield self.flag(view, [study.id, *(a.id for a in parts)],
                            [f"{study.id}: {sizes} = {total} > sample size {study.sample_size}"],
                            f"arm sizes adding up to at most {study.sample_size}",
                            f"{study.id}: its arms hold {total} patients ({sizes}), more than its "
                            f"{study.sample_size}")


@rule("count-exceeds-cohort",
      "A count of patients cannot exceed the group it was counted in (the arm, or the whole study).", "error")
def count_exceeds_cohort(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Patient counts against the arm's or study's printed size; subgroups have no printed size."""
    for f in view.data.findings:
        if f.statistic != "count" or f.unit not in PEOPLE:
            continue
        sides = ((f.value, view.arm_size(f.arm, f) if f.arm else view.cohort(f), f.arm or f.study),
                 (f.comparator_value, view.arm_size(f.comparator_arm, f), f.comparator_arm))
        for count, size, group in sides:
            if count is not None and size is not None and count > size:
                yield self.flag(view, [f.id, *(x for x in (group,) if x)],
                                [f"{f.id}: {show(count)} patients in {group} of {size}"],
                                f"at most {size} patients",
                                f"{f.id}: counts {show(count)} patients in {group}, which has {size}")
