"""How a finding's numbers and names are written in the evidence views (SoF table, forest plot).

One place for the wording, so the table and the plot say the same thing. Numbers are written as the
source printed them (the graph's ``hcc:<P>Printed`` forms: ``3.0`` stays ``3.0``, ``0.360`` stays
``0.360``) and never computed: no ratio is derived from two arms' values, no percentage from n/N.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from hcc_kg.query.evidence import ArmView, Finding

RATIO_NAMES = {"hazard-ratio": ("HR", "hazard ratio"), "odds-ratio": ("OR", "odds ratio")}
NOT_GRADED = "not graded"
_TRAILING_PARENS = re.compile(r"\(([^()]{1,40})\)\s*$")


def number(value: Decimal | None) -> str:
    """A decimal as printed (its exponent kept: ``3.0``), in plain notation; "" for None."""
    return "" if value is None else format(value, "f")


def has_cjk(text: str) -> bool:
    """Whether the text holds CJK characters (those need a CJK font in a plot)."""
    return any(unicodedata.east_asian_width(ch) in "WF" and ch.isprintable() and not ch.isspace()
               for ch in text)


def with_unit(value: Decimal | None, unit: str | None, relation: str | None = None) -> str:
    """``13.37 months``, ``9.68%``; a stated relation (``>``) is kept in front."""
    if value is None:
        return ""
    text = (relation or "") + number(value)
    if not unit:
        return text
    return text + ("%" if unit == "%" else f" {unit}")


def ci_text(low: Decimal | None, high: Decimal | None, level: Decimal | None) -> str:
    """``95% CI 1.017 to 4.816`` ("to", as Cochrane writes it: a bound may be negative)."""
    if low is None or high is None:
        return ""
    return f"{number(level) + '% ' if level is not None else ''}CI {number(low)} to {number(high)}"


STATUS_WORDS = {"not-reached": "not reached", "not-estimable": "not estimable"}
RANGE_WORDS = {"range": "range", "iqr": "IQR"}


def side_text(value: Decimal | None, unit: str | None, relation: str | None = None, *,
              status: str | None = None, count: int | None = None, denominator: int | None = None,
              sd: Decimal | None = None, range_low: Decimal | None = None, range_high: Decimal | None = None,
              range_kind: str | None = None, ci: str = "") -> str:
    """One side's printed result, "" when nothing was printed.

    ``42.1% (32/76)``, ``52 ± 12.3 years``, ``15 months (range 2.5 to 72.0)``, ``36 to 57 months`` (a
    span), ``not reached``.
    """
    if status:
        text = STATUS_WORDS.get(status, status)
    elif value is None and range_kind == "span" and range_low is not None:
        text = with_unit(range_low, None) + " to " + with_unit(range_high, unit)
    else:
        text = with_unit(value, unit, relation)
        if text and sd is not None:
            text = with_unit(value, None, relation) + f" ± {number(sd)}" + (
                "" if not unit else ("%" if unit == "%" else f" {unit}"))
    if not text and count is None:
        return ""
    extras = []
    if count is not None:
        extras.append(f"{count}/{denominator}" if denominator is not None else f"n = {count}")
    if range_low is not None and range_kind in RANGE_WORDS:
        extras.append(f"{RANGE_WORDS[range_kind]} {number(range_low)} to {number(range_high)}")
    if ci:
        extras.append(ci)
    if not text:
        return "; ".join(extras)
    return text + (f" ({'; '.join(extras)})" if extras else "")


def group_text(finding: Finding) -> str:
    """A within-cohort comparison's levels: ``PVTT present vs without portal vein tumour thrombus``."""
    if finding.group is None:
        return ""
    first = finding.group.label or ", ".join(finding.group.includes + finding.group.excludes)
    if finding.comparator_group is None:
        return first
    second = finding.comparator_group.label or ", ".join(
        finding.comparator_group.includes + finding.comparator_group.excludes)
    return f"{first} vs {second}"


def ratio_name(finding: Finding) -> tuple[str, str]:
    """(abbreviation, name) of the finding's ratio statistic; a hazard-ratio field means HR."""
    return RATIO_NAMES.get(finding.statistic, RATIO_NAMES["hazard-ratio"])


def relative_effect(finding: Finding) -> str:
    """``HR 2.213 (95% CI 1.017 to 4.816)`` where a ratio is printed; "" for other statistics."""
    if not finding.is_ratio:
        return ""
    abbrev = ratio_name(finding)[0]
    if finding.estimate is None:
        return f"{abbrev} not printed"
    ci = ci_text(finding.ci_low, finding.ci_high, finding.ci_level)
    return f"{abbrev} {number(finding.estimate)}" + (f" ({ci})" if ci else "")


def arm_value(finding: Finding) -> str:
    """The intervention (or whole-cohort) value with its unit, its CI, or the words printed instead."""
    if finding.is_ratio:
        return ""
    f = finding
    text = side_text(f.value, f.unit, f.value_relation, status=f.value_status, count=f.count,
                     denominator=f.denominator, sd=f.sd, range_low=f.range_low, range_high=f.range_high,
                     range_kind=f.range_kind, ci=ci_text(f.ci_low, f.ci_high, f.ci_level))
    return text or f.value_note or ""


def comparator_value(finding: Finding) -> str:
    """The comparator's value with its unit, n/N, SD, range and CI ("" if none was printed)."""
    if finding.is_ratio:
        return ""
    f = finding
    return side_text(f.comparator_value, f.unit, status=f.comparator_status, count=f.comparator_count,
                     denominator=f.comparator_denominator, sd=f.comparator_sd,
                     range_low=f.comparator_range_low, range_high=f.comparator_range_high,
                     range_kind=f.range_kind,
                     ci=ci_text(f.comparator_ci_low, f.comparator_ci_high, f.ci_level))


def regimen(arm: ArmView | None) -> str:
    """An arm's regimen in English (else the arm's label)."""
    return "" if arm is None else (arm.regimen or arm.label or arm.id)


def comparison(finding: Finding) -> str:
    """What is compared: ``A vs B``, one arm, a prognostic factor, a subgroup, or the whole cohort."""
    if finding.arm is not None and finding.comparator is not None:
        return f"{regimen(finding.arm)} vs {regimen(finding.comparator)}"
    if finding.group is not None and not finding.factor_label:  # a factor's levels go in the measure
        text = group_text(finding)
        return f"{regimen(finding.arm)}: {text}" if finding.arm is not None else text
    if finding.arm is not None:
        return f"{regimen(finding.arm)} (one arm)"
    if finding.factor_label:
        return f"prognostic factor: {finding.factor_label}"
    if finding.subgroup:
        return finding.subgroup
    return "whole cohort"


def outcome(finding: Finding) -> str:
    """The endpoint, with its timepoint: ``overall survival at 1 year``."""
    name = finding.endpoint_label or finding.endpoint
    return f"{name} at {finding.timepoint}" if finding.timepoint else name


def measure(finding: Finding) -> str:
    """What the row reports: statistic, analysis, and the curated detail or subgroup."""
    statistic = ratio_name(finding)[1] if finding.is_ratio else finding.statistic.replace("-", " ")
    parts = [statistic + (f", {finding.analysis} analysis" if finding.analysis else "")]
    if finding.subgroup and finding.arm is not None:
        parts.append(f"subgroup: {finding.subgroup}")
    if finding.outcome_detail:
        parts.append(finding.outcome_detail)
    if finding.group is not None and finding.factor_label:
        parts.append(f"levels: {group_text(finding)}")
    return "; ".join(parts)


def participants(finding: Finding) -> str:
    """Participants as printed: the arms' sizes and the study's size, else "not printed"."""
    arms = [a.size for a in (finding.arm, finding.comparator) if a is not None]
    sized = " vs ".join(str(n) for n in arms if n is not None) if all(n is not None for n in arms) else ""
    total = str(finding.study_size) if finding.study_size is not None else ""
    if sized and total:
        return f"{sized} (of {total})"
    return sized or total or "not printed"


def study_short(finding: Finding) -> str:
    """A short study name for a plot row: ``He 2019`` from the cited paper, else the study label's tail."""
    ref = finding.reference
    if ref is not None and ref.authors:
        first = ref.authors.split(",")[0].split()[0] if ref.authors.split() else ""
        if first:
            return f"{first} {ref.year}" if ref.year else first
    label = finding.study_label or finding.study_id
    match = _TRAILING_PARENS.search(label)
    return match.group(1) if match else label


def design(finding: Finding) -> str:
    """The study's design labels (and trial registry id)."""
    text = ", ".join(label for _, label in finding.designs)
    return text + (f" ({finding.registry_id})" if finding.registry_id else "")


def certainty(finding: Finding) -> str:
    """A grade only where the source states one; "not graded" otherwise (never an invented rating)."""
    if not finding.certainty:
        return NOT_GRADED
    return finding.certainty + (f" ({finding.certainty_system})" if finding.certainty_system else "")


FAVOURS_WORDS = {"arm": "the intervention", "comparator": "the comparator", "neither": "neither side"}


def direction(finding: Finding) -> str:
    """The direction as the source states it, in words; an untested difference is marked as such.

    ``not stated; printed numbers favour the intervention (untested)``: a comparison with no p-value
    and no stated significance, whose side is read from the printed numbers only.
    """
    stated = finding.direction.replace("-", " ") if finding.direction else "not stated"
    if finding.favours is None or finding.tested is not False:
        return stated
    side = FAVOURS_WORDS.get(finding.favours, finding.favours)
    return f"{stated}; printed numbers favour {side} (untested)"
