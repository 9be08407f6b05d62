"""Counts vs percentages (GRIM-style) and parts vs whole.

n/N against the printed %, at the printed precision; arm sizes against the study's size; a count
against the group it counts in.

Percentages are read from the records (a count finding and a proportion finding of one group) or,
only where unambiguous, from the finding's own ``outcome_detail`` ("96 of 132 patients", "(42.1%)").
The categories of one variable (``category-counts-vs-denominator``) are the findings of one group
whose details name one variable ("sex, male" / "sex, female": the text before the last comma or
colon) or, for details without one, that quote one passage (a table's block of rows).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import decimals, half_unit, percent_matches
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord, quote_list

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


MAX_DENOMINATOR = 10_000
"""The largest denominator tried when a table's percentages print none."""


Pending = dict[tuple[object, ...], list[tuple[FindingRecord, int, Decimal, str]]]


def _own_counts(rule_: Rule, view: SourceView, f: FindingRecord, unknown: Pending) -> Iterator[Flag]:
    """A percentage with its own ``count`` and ``denominator`` on each side.

    Without a curated denominator the source printed none: the percentage is tried against the arm's
    (or cohort's) size and the study's size, and when neither fits it waits in ``unknown`` for the
    table-wide test (``_no_common_denominator``).
    """
    if f.unit != "%" or f.value_relation is not None:
        return
    sides = ((f.value, f.count, f.denominator, view.arm_size(f.arm, f) if f.arm else view.cohort(f), ""),
             (f.comparator_value, f.comparator_count, f.comparator_denominator,
              view.arm_size(f.comparator_arm, f), " (comparator)"))
    study = view.studies.get(f.study)
    for printed, part, total, size, side in sides:
        if printed is None or part is None:
            continue
        if total:
            flag = _grim(rule_, view, [f.id], Decimal(part), total, printed, f"{f.id}{side}")
            if flag is not None:
                yield flag
            continue
        tried = [n for n in (size, study.sample_size if study else None) if n]
        if not any(percent_matches(part, n, printed) for n in tried):
            first = quote_list(f.quote)[0]
            unknown[(f.study, f.arm if not side else f.comparator_arm, re.sub(r"\s+", "", first))].append(
                (f, part, printed, side))


def _no_common_denominator(rule_: Rule, view: SourceView,
                           rows: list[tuple[FindingRecord, int, Decimal, str]]) -> Flag | None:
    """One flag when no denominator at all makes every n (x%) of one table column round as printed.

    The message names the denominator that fits the most rows and the rows it does not fit.
    """
    if len(rows) < 2:
        return None
    best, best_fit = 0, -1
    for n in range(max(max(part for _, part, _, _ in rows), 1), MAX_DENOMINATOR + 1):
        fit = sum(1 for _, part, printed, _ in rows if percent_matches(part, n, printed))
        if fit == len(rows):
            return None
        if fit > best_fit:
            best, best_fit = n, fit
    ids = list(dict.fromkeys(f.id for f, _, _, _ in rows))
    shown = ", ".join(f"{part} ({show(printed)}%)" for _, part, printed, _ in rows)
    misfits = [f"{f.id}{side} {part} ({show(printed)}%, {part}/{best} = "
               f"{(Decimal(part) * 100 / best).quantize(Decimal('0.001'))}%)"
               for f, part, printed, side in rows if not percent_matches(part, best, printed)]
    return rule_.flag(view, ids, [f"{', '.join(ids)}: {shown}; no denominator printed"],
                      "one denominator N for which every n/N rounds to its printed %",
                      f"no one denominator makes every n (x%) of this column round as printed: N = {best} "
                      f"fits {best_fit} of {len(rows)} rows (neither the arm's nor the study's size fits), "
                      f"not {'; '.join(misfits)}")


def _column(f: FindingRecord, arm: str | None) -> tuple[object, ...]:
    """One arm's column of one group's table: the subgroup or population is a different table."""
    return (f.study, arm, f.subgroup, f.population.model_dump_json() if f.population else None)


def _column_denominator(view: SourceView, study_id: str, arm: str | None,
                        column: list[tuple[FindingRecord, int, Decimal]]) -> int | None:
    """The printed size (arm, then study) that most n (x%) cells of one arm's column round from.

    A table's column usually shares one denominator: when at least three cells and more than half of
    them fit a printed size, a lone cell that fits no printed size but misses it by one unit in its
    last digit is a rounding slip against that size, not a cell with a denominator of its own.
    """
    study = view.studies.get(study_id)
    first = column[0][0]
    sizes = (view.arm_size(arm, first) if arm else view.cohort(first), study.sample_size if study else None)
    for n in dict.fromkeys(x for x in sizes if x):
        fits = sum(1 for _, part, printed in column if percent_matches(part, n, printed))
        if fits >= 3 and 2 * fits > len(column):
            return n
    return None


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
    unknown: Pending = defaultdict(list)
    for f in view.data.findings:
        yield from _own_counts(self, view, f, unknown)
    for rows in unknown.values():
        table_flag = _no_common_denominator(self, view, rows)
        if table_flag is not None:
            yield table_flag
    columns: dict[tuple[object, ...], list[tuple[FindingRecord, int, Decimal]]] = defaultdict(list)
    other_tables = {f.id for rows in unknown.values() if len(rows) > 1 for f, _, _, _ in rows}
    for f in view.data.findings:
        if f.unit == "%" and f.value_relation is None and f.id not in other_tables:
            for printed, part, total, arm in ((f.value, f.count, f.denominator, f.arm),
                                              (f.comparator_value, f.comparator_count,
                                               f.comparator_denominator, f.comparator_arm)):
                if printed is not None and part is not None and not total:
                    columns[_column(f, arm)].append((f, part, printed))
    for rows in unknown.values():
        if len(rows) != 1:
            continue  # several cells of one passage: the table-wide test above
        f, part, printed, side = rows[0]
        arm = f.comparator_arm if side else f.arm
        column = _column_denominator(view, f.study, arm, columns[_column(f, arm)])
        # a slip of at most one unit in the last printed digit; a larger miss may be another denominator
        if column is not None and abs(Decimal(part) * 100 / column - printed) <= 2 * half_unit(printed):
            flag = _grim(self, view, [f.id], Decimal(part), column, printed, f"{f.id}{side}")
            if flag is not None:
                yield flag
    for f in view.data.findings:
        detail = f.outcome_detail or ""
        if f.count is not None or f.comparator_count is not None:
            continue  # read from the fields above
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


def _variable(f: FindingRecord) -> tuple[object, ...]:
    """The variable a category finding counts: its detail's stem before ', ' or ': ', else its passage."""
    detail = _detail(f)
    for separator in (", ", ": "):
        if separator in detail:
            return ("detail", detail.rsplit(separator, 1)[0])
    return ("quote", tuple(sorted(re.sub(r"\s+", "", p) for p in quote_list(f.quote))))


Category = tuple[FindingRecord, Decimal | None, Decimal | None, int | None]
"""A category finding with its number on each side (arm, comparator) and its printed denominator."""


def _numbers(f: FindingRecord) -> Iterator[tuple[str, Category]]:
    """(kind, category) for each way a finding prints a category: a count, a percentage, or both."""
    if f.statistic == "count" and f.unit in PEOPLE:
        yield "count", (f, f.value, f.comparator_value, f.denominator)
    elif f.statistic in ("proportion", "rate") and f.unit == "%":
        yield "percentage", (f, f.value, f.comparator_value, None)
        if f.count is not None or f.comparator_count is not None:
            count = None if f.count is None else Decimal(f.count)
            other = None if f.comparator_count is None else Decimal(f.comparator_count)
            yield "count", (f, count, other, f.denominator)


def _categories(view: SourceView) -> Iterator[tuple[str, list[Category]]]:
    """(count | percentage, categories) per variable of one study, arm(s), endpoint, group and timepoint."""
    groups: dict[tuple[object, ...], list[Category]] = defaultdict(list)
    key: tuple[object, ...]
    for f in view.data.findings:
        if f.value_relation is not None or f.factor is not None:
            continue
        population = f.population.model_dump_json() if f.population else None
        for kind, category in _numbers(f):
            key = (kind, f.study, f.arm, f.comparator_arm, f.endpoint, f.subgroup, population, f.timepoint,
                   f.criteria, _variable(f))
            groups[key].append(category)
    for key, group in groups.items():
        levels = [_detail(c[0]) for c in group]
        if len(group) < 2 or len(set(levels)) < len(levels):
            continue  # one category, or one category read twice (alternative readings): not a partition
        yield str(key[0]), group


@rule("category-counts-vs-denominator",
      "The categories of one variable in one arm or table column share its patients: their counts cannot "
      "add up to more than the denominator, nor their percentages to more than 100% beyond rounding.",
      "warning")
def category_counts(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Per variable and side: sum of counts against the arm's or study's size; sum of % against 100."""
    for kind, group in _categories(view):
        ids = [c[0].id for c in group]
        first = group[0][0]
        for side, values in (("", [c[1] for c in group]), (" (comparator)", [c[2] for c in group])):
            numbers = [v for v in values if v is not None]
            if len(numbers) < len(values) or not numbers:
                continue
            total = sum(numbers, Decimal(0))
            shown = " + ".join(show(v) for v in numbers)
            if kind == "count":
                given = {c[3] for c in group} - {None} if not side else set()
                size = (given.pop() if len(given) == 1 else
                        view.arm_size(first.comparator_arm, first) if side else
                        view.arm_size(first.arm, first) if first.arm else view.cohort(first))
                if size is not None and total > size:
                    yield self.flag(view, ids, [f"{', '.join(ids)}{side}: {shown} = {show(total)} of {size}"],
                                    f"at most {size} patients over the categories",
                                    f"{', '.join(ids)}{side}: the categories count {shown} = {show(total)} "
                                    f"patients, more than the {size} they are counted in")
            else:
                slack = sum((half_unit(v) for v in numbers), Decimal(0))
                if total - slack > 100:
                    yield self.flag(view, ids, [f"{', '.join(ids)}{side}: {shown} = {show(total)}%"],
                                    f"at most 100% (within {show(slack)} for rounding)",
                                    f"{', '.join(ids)}{side}: the categories' percentages add up to "
                                    f"{shown} = {show(total)}%, more than 100% beyond rounding")
