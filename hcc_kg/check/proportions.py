"""Estimate vs interval for proportions: a printed CI of n/N against the intervals n/N can have.

A 95% CI printed for a proportion with its count and denominator should be one of the standard
binomial intervals: the exact (Clopper-Pearson) or the Wilson score interval, or the simple Wald
interval many papers still print. The rule accepts a printed bound when it lies within the span of
those three intervals' bounds, widened by half a unit of the printed precision: only a CI that no
standard method gives for n/N, however rounded, is flagged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from statistics import NormalDist

from hcc_kg.check.flags import Flag
from hcc_kg.check.rounding import half_unit
from hcc_kg.check.rules import Rule, SourceView, rule, show
from hcc_kg.curation.records import FindingRecord


def _log_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1.0:
        return 0.0 if k == n else -math.inf
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def _tail_at_least(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(math.exp(_log_pmf(i, n, p)) for i in range(k, n + 1)))


def _solve(f: Callable[[float], float], target: float) -> float:
    """The p in [0, 1] where the increasing function f reaches target (bisection, 1e-10)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        if f(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def clopper_pearson(count: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """The exact binomial interval for count/total, as proportions in [0, 1]."""
    alpha = 1 - level
    low = 0.0 if count == 0 else _solve(lambda p: _tail_at_least(count, total, p), alpha / 2)
    high = 1.0 if count == total else _solve(lambda p: _tail_at_least(count + 1, total, p), 1 - alpha / 2)
    return low, high


def wilson(count: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for count/total, as proportions in [0, 1]."""
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = count / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def wald(count: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """The normal-approximation (Wald) interval for count/total, clipped to [0, 1]."""
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = count / total
    half = z * math.sqrt(p * (1 - p) / total)
    return max(0.0, p - half), min(1.0, p + half)


METHODS = {"Clopper-Pearson": clopper_pearson, "Wilson": wilson, "Wald": wald}


def _sides(f: FindingRecord) -> Iterator[tuple[str, int, int, Decimal, Decimal]]:
    """(side, count, denominator, printed low, printed high) for each side with all four printed."""
    if f.count is not None and f.denominator and f.ci_low is not None and f.ci_high is not None:
        yield "", f.count, f.denominator, f.ci_low, f.ci_high
    if (f.comparator_count is not None and f.comparator_denominator and f.comparator_ci_low is not None
            and f.comparator_ci_high is not None):
        yield (" (comparator)", f.comparator_count, f.comparator_denominator, f.comparator_ci_low,
               f.comparator_ci_high)


@rule("proportion-ci-vs-count",
      "A CI printed for a proportion n/N must be one a standard binomial method gives for n/N (exact "
      "Clopper-Pearson, Wilson or Wald), allowing for the rounding of its bounds.", "warning")
def proportion_ci(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Percent CIs (unit %) of findings with count and denominator, at their ci_level (default 95)."""
    for f in view.data.findings:
        if f.unit != "%" or f.statistic not in ("proportion", "rate") or f.hr is not None:
            continue
        level = (f.ci_level or 95) / 100
        for side, count, total, low, high in _sides(f):
            bounds = {name: method(count, total, level) for name, method in METHODS.items()}
            lows = [b[0] * 100 for b in bounds.values()]
            highs = [b[1] * 100 for b in bounds.values()]
            slack_low, slack_high = float(half_unit(low)), float(half_unit(high))
            ok_low = min(lows) - slack_low - 1e-9 <= float(low) <= max(lows) + slack_low + 1e-9
            ok_high = min(highs) - slack_high - 1e-9 <= float(high) <= max(highs) + slack_high + 1e-9
            if ok_low and ok_high:
                continue
            shown = "; ".join(f"{name} {b[0] * 100:.1f}-{b[1] * 100:.1f}" for name, b in bounds.items())
            printed = f"{show(low)}-{show(high)}%"
            yield self.flag(view, [f.id], [f"{f.id}{side}: {count}/{total}, printed CI {printed}"],
                            f"a {round(level * 100)}% CI of {count}/{total} near {shown} (%)",
                            f"{f.id}{side}: the printed CI {printed} cannot belong to {count}/{total} "
                            f"({shown})")
