"""Field-by-field checks of doc 000 (TACE for HCC with pulmonary metastasis), written by hand from the source text."""

from __future__ import annotations

from decimal import Decimal


def test_study_design_size_population_arms(records: dict) -> None:
    s = records["s000-tace-pm"]
    assert s.design == ["RetrospectiveCohortStudy"]
    assert s.sample_size == 26
    assert s.period == "2008-07/2013-07"
    assert "PulmonaryMetastasis" in s.population.includes
    assert "HepatocellularCarcinoma" in s.population.includes
    arms = {a.id: a for a in s.arms}
    assert arms["s000-tace-pm-shunt"].regimen == ["TACE", "ShuntEmbolization"]
    assert arms["s000-tace-pm-shunt"].size == 4
    assert arms["s000-tace-pm-other"].size == 22
    assert arms["s000-tace-pm-all"].size == 26 and arms["s000-tace-pm-all"].regimen == ["TACE"]


def test_median_overall_survival_whole_cohort(records: dict) -> None:
    # "The median survival time of all patients was 11.0 months with a range from 3.5 to 40 months."
    f = records["f000-os-median"]
    assert f.study == "s000-tace-pm" and f.endpoint == "OverallSurvival"
    assert (f.statistic, f.value, f.unit) == ("median", Decimal("11.0"), "months")
    assert f.comparator_value is None and f.p is None


def test_shunt_embolization_subgroup_survival(records: dict) -> None:
    # "... significantly prolonged survival time than the other 22 patients (35.5 vs. 10.3 months, P = 0.001)"
    f = records["f000-shunt-os"]
    assert (f.arm, f.comparator_arm) == ("s000-tace-pm-shunt", "s000-tace-pm-other")
    assert (f.value, f.comparator_value, f.unit) == (Decimal("35.5"), Decimal("10.3"), "months")
    assert f.p == "P=0.001" and f.p_bound() == ("=", Decimal("0.001"))
    assert f.direction == "benefit" and f.significant is True
    lung = records["f000-shunt-lung-cr"]
    assert lung.endpoint == "CompleteResponseRate" and lung.value == Decimal("4")
    assert "ArteriovenousShunt" in lung.population.includes


def test_pvtt_text_and_table_conflict(records: dict) -> None:
    # Text: "(12.6 vs. 4.8 months, P = 0.01)"; Table 3: "Yes vs. No 8.0 (6.0 ~ 10.0) VS. 22.0 (9.0 ~ 38.0) 0.001"
    text = records["f000-os-pvtt-text"]
    assert (text.value, text.comparator_value) == (Decimal("12.6"), Decimal("4.8"))
    assert text.p_bound() == ("=", Decimal("0.01")) and text.significant is True
    assert text.factor == "PortalVeinTumourThrombus"
    table = records["f000-os-pvtt-table3"]
    assert (table.value, table.comparator_value) == (Decimal("8.0"), Decimal("22.0"))
    assert (table.ci_low, table.ci_high, table.ci_level) == (Decimal("6.0"), Decimal("10.0"), 95)
    assert table.p == "P=0.001"
    assert "f000-os-pvtt-table3" in text.conflicts_with and "f000-os-pvtt-text" in table.conflicts_with
    assert set(records["c000-pvtt-os"].members) == {"f000-os-pvtt-text", "f000-os-pvtt-table3"}


def test_lung_size_univariate_table_and_multivariate(records: dict) -> None:
    # Text: "< 2 cm had a significantly longer survival time than ... ≥ 2 cm (P = 0.03)";
    # "multivariate analysis showed no significant difference"; Table 3: "8.0 (6.0 ~ 30.0) VS. 13.0 ... 0.830"
    uni = records["f000-os-lungsize-univariate-text"]
    assert uni.p == "P=0.03" and uni.p_bound() == ("=", Decimal("0.03"))
    assert uni.significant is True and uni.analysis == "univariate"
    multi = records["f000-os-lungsize-multivariate"]
    assert multi.analysis == "multivariate" and multi.significant is False and multi.direction == "no-difference"
    table = records["f000-os-lungsize-table3"]
    assert (table.value, table.comparator_value) == (Decimal("8.0"), Decimal("13.0"))
    assert table.p_bound() == ("=", Decimal("0.830"))
    assert "f000-os-lungsize-table3" in uni.conflicts_with


def test_intrahepatic_response_survival(records: dict) -> None:
    # Text: "(12.6 vs. 7.5 months, P = 0.01)"; Table 3: "CR + PR VS. SD + PD 17.0 (10.0 ~ 30.0) VS. 6.5 (3.0 ~ 9.0) < 0.001"
    text = records["f000-os-liver-response-text"]
    assert (text.value, text.comparator_value, text.p) == (Decimal("12.6"), Decimal("7.5"), "P=0.01")
    table = records["f000-os-liver-response-table3"]
    assert (table.value, table.comparator_value) == (Decimal("17.0"), Decimal("6.5"))
    assert table.p == "P<0.001" and table.p_bound() == ("<", Decimal("0.001"))
    assert (table.ci_low, table.ci_high) == (Decimal("10.0"), Decimal("30.0"))
    assert records["f000-liver-cr"].value == Decimal("10") and records["f000-liver-cr"].criteria == "mRECIST"
    assert records["f000-liver-orr"].value == Decimal("16")


def test_hvtt_not_significant(records: dict) -> None:
    # "(12.8 vs. 8.5 months, P = 0.44)"
    f = records["f000-os-hvtt"]
    assert (f.value, f.comparator_value) == (Decimal("12.8"), Decimal("8.5"))
    assert f.p_bound() == ("=", Decimal("0.44"))
    assert f.significant is False and f.direction == "no-difference"
    assert f.factor == "HepaticVeinTumourThrombus" and f.analysis == "univariate"


def test_child_pugh_table1_both_readings(records: dict) -> None:
    # "Child class A 19 / Child class B 7 73.1 / Cirrhosis 26.7 / Presence 20 76.9"
    assert records["f000-bl-childa-n"].value == Decimal("19")
    assert records["f000-bl-childb-n"].value == Decimal("7")
    printed = records["f000-bl-childb-pct-asprinted"]
    shifted = records["f000-bl-childa-pct-shifted"]
    assert printed.value == shifted.value == Decimal("73.1")
    assert printed.endpoint == "BaselineCharacteristic" and printed.unit == "%"
    assert "f000-bl-childa-pct-shifted" in printed.conflicts_with
    assert records["f000-bl-cirrhosis-pct-asprinted"].value == Decimal("26.7")
    assert records["f000-bl-cirrhosis-present-pct"].value == Decimal("76.9")
    members = set(records["c000-table1-childpugh-cirrhosis"].members)
    assert {"f000-bl-childb-pct-asprinted", "f000-bl-childa-pct-shifted", "f000-bl-childb-pct-shifted"} <= members


def test_afp_rows_conflict(records: dict) -> None:
    # "AFP < 100 16 61.5 / ≥ 100 12 38.5"
    assert records["f000-bl-afp-high-n"].value == Decimal("12")
    assert records["f000-bl-afp-high-pct"].value == Decimal("38.5")
    assert "f000-bl-afp-high-pct" in records["f000-bl-afp-high-n"].conflicts_with


def test_causes_of_death(records: dict) -> None:
    # "Liver failure 16 (61.5)", "Upper gastrointestinal bleeding 4 (15.4)", "the other 24 patients died of intrahepatic tumors"
    assert records["f000-death-liver-failure-n"].value == Decimal("16")
    assert records["f000-death-liver-failure-pct"].value == Decimal("61.5")
    assert records["f000-death-ugib-n"].value == Decimal("4")
    assert records["f000-death-liver-related"].value == Decimal("24")
    assert records["f000-death-airway"].endpoint == "Death"
    assert set(records["c000-deaths"].members) == {
        "f000-lost-to-followup", "f000-death-airway", "f000-death-liver-related"}


def test_cited_sung_study(records: dict) -> None:
    # "Sung et al. treated 183 extra hepatic metastasis patients ... 24 patients receiving CR or PR"
    s = records["s000-sung"]
    assert s.reference == 12 and s.sample_size == 183
    assert records["f000-sung-orr"].value == Decimal("24") and records["f000-sung-orr"].reference == 12
