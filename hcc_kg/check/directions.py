"""Stated vs printed: a stated direction, or the curated ``favours``, against the printed numbers.

Which side the numbers favour depends on the endpoint's polarity: survival, time to progression and
response are better higher; adverse events, deaths and progression are better lower. A hazard ratio
(arm vs comparator) below 1 favours the arm. Endpoints whose polarity is not listed here (baseline
characteristics, survey answers, stable disease) are never judged.

Two numbers favour a side only when they differ whatever the rounding: 8.0 and 8.04 favour neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from hcc_kg.check.estimates import ratio
from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import half_unit
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord

ONE = Decimal(1)
HIGHER_IS_BETTER = frozenset({
    "OverallSurvival", "ProgressionFreeSurvival", "TimeToProgression", "RecurrenceFreeSurvival",
    "DiseaseFreeSurvival", "TumourResponse", "ObjectiveResponseRate", "DiseaseControlRate",
    "CompleteResponseRate", "PartialResponse", "ConversionResectionRate", "CumulativeNEDDuration",
    "NEDAchievement", "TreatmentEfficacy"})
LOWER_IS_BETTER = frozenset({
    "AdverseEvent", "Grade3to4AdverseEvent", "TreatmentRelatedDeath", "Death", "ProgressiveDisease",
    "Fever", "Pain", "Pneumothorax", "PleuralEffusion", "Nausea", "Vomiting", "Anaemia", "ALTIncreased",
    "ASTIncreased", "MinorComplication"})
TIMES = frozenset({"OverallSurvival", "ProgressionFreeSurvival", "TimeToProgression",
                   "RecurrenceFreeSurvival", "DiseaseFreeSurvival", "CumulativeNEDDuration"})
"""Endpoints whose median or mean is a time (longer is better); other medians are not judged."""


def polarity(f: FindingRecord) -> int | None:
    """+1 if a higher value is better for the finding's endpoint and statistic, -1 if lower, else None."""
    if f.statistic in ("median", "mean"):
        return 1 if f.endpoint in TIMES else None
    if f.statistic in ("rate", "proportion"):
        if f.endpoint in HIGHER_IS_BETTER:
            return 1
        if f.endpoint in LOWER_IS_BETTER:
            return -1
    return None


def favoured(f: FindingRecord) -> tuple[str, str] | None:
    """(side, why) the printed numbers favour: 'arm', 'comparator' or 'neither'; None if not judged.

    A ratio (arm vs comparator, no prognostic factor) favours the arm below 1; otherwise value and
    comparator_value are compared by the endpoint's polarity, both in one unit and both plain numbers.
    """
    if f.comparator_arm is None and f.comparator_group is None:
        return None
    estimate = ratio(f)
    if estimate is not None:
        if (f.factor is not None and f.group is None) or (f.hr is None and f.statistic != "hazard-ratio"):
            return None  # a factor's HR without its levels has no side; an odds ratio's depends on the event
        slack, text = half_unit(estimate), f"HR {show(estimate)}"
        if estimate == ONE:
            return "neither", text
        if estimate + slack < ONE:
            return "arm", text
        return ("comparator", text) if estimate - slack > ONE else None
    sign = polarity(f)
    a, b = f.value, f.comparator_value
    if sign is None or a is None or b is None or f.value_relation not in (None, "="):
        return None
    return _side(a, b, sign, f"{show(a)} vs {show(b)}{'' if f.unit is None else ' ' + f.unit}")


def _side(a: Decimal, b: Decimal, sign: int, numbers: str) -> tuple[str, str] | None:
    """Which side a (the arm) and b (the comparator) favour; 'neither' only when printed equal.

    Numbers that differ as printed but not beyond rounding (8.0 vs 8.04) favour no side for sure: None.
    """
    if a == b:
        return "neither", numbers
    if abs(a - b) <= half_unit(a) + half_unit(b):
        return None
    return ("arm" if (a > b) == (sign > 0) else "comparator"), numbers


def _sides(f: FindingRecord) -> str:
    arm = f.arm or (f.group.description if f.group and f.group.description else "the group")
    other = f.comparator_arm or (f.comparator_group.description if f.comparator_group and
                                 f.comparator_group.description else "the comparator group")
    return f"{arm} vs {other}"


@rule("direction-vs-numbers",
      "A result stated as a benefit of the arm needs printed numbers that favour the arm (higher survival "
      "or response, fewer adverse events), and a harm numbers that favour the comparator.", "warning")
def direction_vs_numbers(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Stated benefit with numbers surely favouring the comparator, or stated harm favouring the arm.

    Hazard ratios are left to ``hazard-ratio-vs-direction``.
    """
    for f in view.data.findings:
        if f.direction not in ("benefit", "harm") or ratio(f) is not None:
            continue
        judged = favoured(f)
        if judged is None:
            continue
        side, numbers = judged
        wrong = "comparator" if f.direction == "benefit" else "arm"
        if side == wrong:
            polar = "higher" if polarity(f) == 1 else "lower"
            yield self.flag(view, [f.id], [f"{f.id}: {f.endpoint} {f.statistic} {numbers} ({_sides(f)}), "
                                           f"stated {f.direction}"],
                            f"numbers favouring the {'arm' if f.direction == 'benefit' else 'comparator'} "
                            f"({polar} is better for {f.endpoint})",
                            f"{f.id}: stated as {f.direction} of {_sides(f)}, but the printed {numbers} "
                            f"favour the {side} ({polar} is better for {f.endpoint})")


@rule("favours-vs-numbers",
      "The curated 'favours' says which side the printed numbers favour; it must agree with those numbers "
      "(a curation slip to fix in the data, not an error of the source).", "error")
def favours_vs_numbers(self: Rule, view: SourceView) -> Iterator[Flag]:
    """``favours`` against the side the numbers favour (polarity, HR below 1 for the arm)."""
    for f in view.data.findings:
        if f.favours is None:
            continue
        judged = favoured(f)
        if judged is None or judged[0] == f.favours:
            continue
        side, numbers = judged
        yield self.flag(view, [f.id], [f"{f.id}: {numbers} ({_sides(f)}), favours {f.favours}"],
                        f"favours: {side}",
                        f"{f.id}: curated as favouring the {f.favours}, but the printed {numbers} favour "
                        f"{'neither side' if side == 'neither' else 'the ' + side}")
