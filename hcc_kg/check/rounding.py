"""Rounding-aware intervals: a printed number stands for every value that rounds to it.

Sources print 80.8 for 21/26 and P=0.05 for 0.0496; a rule compares the interval a printed
number stands for, so that only what no rounding can explain is flagged.
"""

from __future__ import annotations

from decimal import Decimal

from hcc_kg.curation.records import FindingRecord

ALPHA = Decimal("0.05")


def half_unit(number: Decimal) -> Decimal:
    """Half a unit of the last printed digit: 0.05 for 80.8, 0.0005 for 1.017, 0.5 for 26."""
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):
        return Decimal(0)
    return Decimal(5).scaleb(exponent - 1)


def decimals(number: Decimal) -> int:
    """How many decimals the number was printed with (0 for an integer)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def p_interval(finding: FindingRecord) -> tuple[Decimal, Decimal] | None:
    """The range the printed p-value allows: P=0.045 -> [0.0445, 0.0455], P<0.001 -> [0, 0.001)."""
    bound = finding.p_bound()
    if bound is None:
        return None
    relation, number = bound
    if relation == "=":
        half = half_unit(number)
        return max(Decimal(0), number - half), min(Decimal(1), number + half)
    if relation in ("<", "<="):
        return Decimal(0), number
    return number, Decimal(1)


def surely_significant(finding: FindingRecord) -> bool | None:
    """True if the printed p is below 0.05 whatever the rounding, False if surely not, None if unclear.

    P=0.05 (0.045 to 0.055) and P<0.1 are unclear; P<0.05 is below, P=0.066 and P>0.05 are not.
    """
    interval = p_interval(finding)
    bound = finding.p_bound()
    if interval is None or bound is None:
        return None
    low, high = interval
    if high < ALPHA or (bound[0] == "<" and high <= ALPHA):
        return True
    if low >= ALPHA:
        return False
    return None


def percent_matches(count: int | Decimal, total: int, printed: Decimal) -> bool:
    """Whether count/total, as a percentage, rounds to the printed one at its printed precision."""
    if total <= 0:
        return False
    exact = Decimal(count) * 100 / Decimal(total)
    return abs(exact - printed) <= half_unit(printed) + Decimal("1e-9")
