"""How a finding's numbers and names are written in the evidence views (SoF table, forest plot).

One place for the wording, so the table and the plot say the same thing. Numbers are written as the
graph gives them (canonical decimals: ``0.36`` where a source printed ``0.360``; the verbatim quote
carries the printed text) and never computed: no ratio is derived from two arms' values.
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
    """A decimal as the graph gives it, in plain notation (never an exponent); "" for None."""
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
    text = with_unit(finding.value, finding.unit, finding.value_relation)
    if not text:
        return finding.value_note or ""
    ci = ci_text(finding.ci_low, finding.ci_high, finding.ci_level)
    return text + (f" ({ci})" if ci else "")


def comparator_value(finding: Finding) -> str:
    """The comparator's value with its unit ("" if none was printed)."""
    return "" if finding.is_ratio else with_unit(finding.comparator_value, finding.unit)


def regimen(arm: ArmView | None) -> str:
    """An arm's regimen in English (else the arm's label)."""
    return "" if arm is None else (arm.regimen or arm.label or arm.id)


def comparison(finding: Finding) -> str:
    """What is compared: ``A vs B``, one arm, a prognostic factor, a subgroup, or the whole cohort."""
    if finding.arm is not None and finding.comparator is not None:
        return f"{regimen(finding.arm)} vs {regimen(finding.comparator)}"
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


def direction(finding: Finding) -> str:
    """The direction as the source states it, in words."""
    return finding.direction.replace("-", " ") if finding.direction else "not stated"
