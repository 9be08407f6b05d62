"""Field-by-field checks of doc 004 findings, written by hand from the source text."""

from __future__ import annotations

from decimal import Decimal


def test_he2019_folfox_haic_sorafenib_os(records: dict) -> None:
    f = records["f004-he2019-os"]
    assert (f.value, f.comparator_value, f.unit) == (Decimal("13.37"), Decimal("7.13"), "months")
    assert f.p == "P<0.001" and f.p_bound() == ("<", Decimal("0.001"))
    assert f.direction == "benefit" and f.significant is True
    study = records[f.study]
    assert study.reference == 12 and "RandomisedControlledTrial" in study.design
    assert study.population.includes == ["PortalVeinInvasion"]
