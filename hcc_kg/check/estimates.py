"""Estimate vs interval, and stated vs printed.

A ratio's CI against its p, a CI against its estimate, a stated significance against the printed p,
a stated benefit against the hazard ratio's side of 1.

Every comparison allows for rounding (``rounding``): P=0.05 and a bound printed as 1.00 are never
taken to be on one side of the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import half_unit, surely_significant
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord

ONE = Decimal(1)
RATIOS = ("hazard-ratio", "odds-ratio")


def ratio(f: FindingRecord) -> Decimal | None:
    """The ratio a finding prints (its HR, or its value for a ratio statistic), else None."""
    if f.hr is not None:
        return f.hr
    return f.value if f.statistic in RATIOS else None


def ci_side(f: FindingRecord) -> bool | None:
    """True if the CI surely excludes 1, False if it surely includes 1, None if a bound may be 1."""
    if f.ci_low is None or f.ci_high is None:
        return None
    low, high = f.ci_low, f.ci_high
    if low - half_unit(low) > ONE or high + half_unit(high) < ONE:
        return True
    if low + half_unit(low) < ONE < high - half_unit(high):
        return False
    return None


def _ci_text(f: FindingRecord) -> str:
    return f"{f.id}: ratio {show(ratio(f))}, CI {show(f.ci_low)}-{show(f.ci_high)}, {f.p}"


@rule("ci-excludes-1-p-not-significant",
      "A ratio whose CI excludes 1 is significant at the CI's level; a p of 0.05 or more contradicts it.",
      "warning")
def ci_excludes_one(self: Rule, view: SourceView) -> Iterator[Flag]:
    """CI surely off 1, p surely >= 0.05."""
    for f in view.data.findings:
        if ratio(f) is not None and ci_side(f) is True and surely_significant(f) is False:
            yield self.flag(view, [f.id], [_ci_text(f)], "p < 0.05 (the CI excludes 1)",
                            f"{f.id}: the CI {f.ci_low}-{f.ci_high} excludes 1 but {f.p} is not below 0.05")


@rule("ci-includes-1-p-significant",
      "A ratio whose CI includes 1 is not significant at the CI's level; a p below 0.05 contradicts it.",
      "warning")
def ci_includes_one(self: Rule, view: SourceView) -> Iterator[Flag]:
    """CI surely across 1, p surely < 0.05."""
    for f in view.data.findings:
        if ratio(f) is not None and ci_side(f) is False and surely_significant(f) is True:
            yield self.flag(view, [f.id], [_ci_text(f)], "p >= 0.05 (the CI includes 1)",
                            f"{f.id}: the CI {f.ci_low}-{f.ci_high} includes 1 but {f.p} is below 0.05")


@rule("ci-reversed", "A confidence interval's lower bound cannot exceed its upper bound.", "error")
def ci_reversed(self: Rule, view: SourceView) -> Iterator[Flag]:
    """CI low > high (validation refuses it in curated files; kept for records made elsewhere)."""
    for f in view.data.findings:
        if f.ci_low is not None and f.ci_high is not None and f.ci_low > f.ci_high:
            yield self.flag(view, [f.id], [f"{f.id}: CI {f.ci_low}-{f.ci_high}"], "ci_low <= ci_high",
                            f"{f.id}: the CI's lower bound {f.ci_low} is above its upper bound {f.ci_high}")


@rule("ci-misses-estimate", "A confidence interval must contain its own point estimate.", "error")
def ci_misses_estimate(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Estimate outside its CI by more than rounding (validation refuses it in curated files)."""
    for f in view.data.findings:
        estimate = f.hr if f.hr is not None else f.value
        if estimate is None or f.ci_low is None or f.ci_high is None:
            continue
        slack = half_unit(estimate)
        low, high = f.ci_low - half_unit(f.ci_low), f.ci_high + half_unit(f.ci_high)
        if estimate + slack < low or estimate - slack > high:
            yield self.flag(view, [f.id], [f"{f.id}: estimate {estimate}, CI {f.ci_low}-{f.ci_high}"],
                            f"an estimate within {f.ci_low}-{f.ci_high}",
                            f"{f.id}: the estimate {estimate} lies outside its own CI {f.ci_low}-{f.ci_high}")


@rule("significance-vs-p",
      "A result stated significant needs a printed p below 0.05, and one stated not significant a p of "
      "at least 0.05.", "warning")
def significance_vs_p(self: Rule, view: SourceView) -> Iterator[Flag]:
    """``significant`` against the printed p, rounding allowed for."""
    for f in view.data.findings:
        if f.significant is None:
            continue
        printed = surely_significant(f)
        if printed is not None and printed != f.significant:
            stated = "significant" if f.significant else "not significant"
            yield self.flag(view, [f.id], [f"{f.id}: stated {stated}, {f.p}"],
                            "p < 0.05" if f.significant else "p >= 0.05",
                            f"{f.id}: stated {stated}, but the printed {f.p} says otherwise")


@rule("hazard-ratio-vs-direction",
      "A hazard ratio of an intervention arm against its comparator above 1 means more events on the "
      "intervention, which cannot be its benefit (and below 1 cannot be harm).", "warning")
def hazard_ratio_vs_direction(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Only arm-vs-comparator HRs: a prognostic factor's HR (present vs absent) has no arm to benefit."""
    for f in view.data.findings:
        hr = f.hr if f.hr is not None else (f.value if f.statistic == "hazard-ratio" else None)
        if hr is None or f.factor is not None or f.arm is None or f.comparator_arm is None:
            continue
        above = hr - half_unit(hr) > ONE
        below = hr + half_unit(hr) < ONE
        if (above and f.direction == "benefit") or (below and f.direction == "harm"):
            yield self.flag(view, [f.id], [f"{f.id}: HR {hr} ({f.arm} vs {f.comparator_arm}), {f.direction}"],
                            "HR < 1 for a benefit" if f.direction == "benefit" else "HR > 1 for a harm",
                            f"{f.id}: HR {hr} of {f.arm} vs {f.comparator_arm} is stated as {f.direction}")
