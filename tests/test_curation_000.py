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
    a = records["f000-bl-childa-asprinted"]
    assert (a.count, a.denominator, a.value) == (19, 26, Decimal("19"))
    printed = records["f000-bl-childb-asprinted"]
    assert (printed.count, printed.denominator, printed.value, printed.unit) == (7, 26, Decimal("73.1"), "%")
    shifted = records["f000-bl-childa-shifted"]
    assert (shifted.count, shifted.value) == (19, Decimal("73.1"))
    assert (records["f000-bl-childb-shifted"].count, records["f000-bl-childb-shifted"].value) == (7, Decimal("26.7"))
    assert printed.endpoint == "BaselineCharacteristic"
    assert "f000-bl-childb-shifted" in printed.conflicts_with
    assert records["f000-bl-cirrhosis-asprinted"].value == Decimal("26.7")
    present = records["f000-bl-cirrhosis-present"]
    assert (present.count, present.denominator, present.value) == (20, 26, Decimal("76.9"))
    members = set(records["c000-table1-childpugh-cirrhosis"].members)
    assert {"f000-bl-childb-asprinted", "f000-bl-childa-shifted", "f000-bl-childb-shifted"} <= members


def test_table1_counts_with_percentages(records: dict) -> None:
    # "Sex Male 21 80.7 Female 5 19.3"; "Clinical characteristics of the 26 HCC patients are shown in Table 1."
    male = records["f000-bl-male"]
    assert (male.statistic, male.count, male.denominator, male.value, male.unit) == (
        "proportion", 21, 26, Decimal("80.7"), "%")
    assert "Sex Male 21 80.7 Female 5 19.3" in male.quote
    assert any("26 HCC patients are shown in Table 1" in q for q in male.quote)
    assert (records["f000-bl-female"].count, records["f000-bl-female"].value) == (5, Decimal("19.3"))
    assert (records["f000-bl-hbv"].count, records["f000-bl-hbv"].value) == (23, Decimal("88.5"))
    assert (records["f000-bl-ecog0"].count, records["f000-bl-ecog0"].value) == (16, Decimal("61.6"))
    assert (records["f000-bl-pvtt-present"].count, records["f000-bl-pvtt-present"].value) == (3, Decimal("11.6"))
    hvtt = records["f000-bl-hvtt-present"]
    assert (hvtt.count, hvtt.denominator, hvtt.value) == (4, 26, Decimal("15.4"))
    assert any("Four of the 26 patients (15.4%)" in q for q in hvtt.quote)
    assert (records["f000-bl-pm-small"].count, records["f000-bl-pm-small"].value) == (12, Decimal("46.1"))
    assert (records["f000-bl-av-shunt"].count, records["f000-bl-av-shunt"].denominator) == (9, 26)
    for gone in ("f000-bl-male-n", "f000-bl-male-pct", "f000-death-ugib-pct", "f000-bl-childb-n"):
        assert gone not in records


def test_mean_sd_and_ranges(records: dict) -> None:
    # "Maximum tumor diameter (cm) 8.74 ± 3.44"; "Age (median, range, years) 56 (34-76)";
    # "The median survival time of all patients was 11.0 months with a range from 3.5 to 40 months."
    d = records["f000-bl-tumour-diameter"]
    assert (d.statistic, d.value, d.sd, d.unit) == ("mean", Decimal("8.74"), Decimal("3.44"), "cm")
    assert (records["f000-bl-pm-diameter"].value, records["f000-bl-pm-diameter"].sd) == (Decimal("1.99"), Decimal("0.79"))
    age = records["f000-bl-age-median"]
    assert (age.value, age.range_low, age.range_high, age.range_kind) == (Decimal("56"), 34, 76, "range")
    os_ = records["f000-os-median"]
    assert (os_.value, os_.range_low, os_.range_high, os_.range_kind) == (Decimal("11.0"), Decimal("3.5"), 40, "range")
    assert os_.note is not None and "3.5" not in os_.note


def test_afp_rows_conflict(records: dict) -> None:
    # "AFP < 100 16 61.5 / ≥ 100 12 38.5"
    high = records["f000-bl-afp-high"]
    assert (high.count, high.denominator, high.value) == (12, 26, Decimal("38.5"))
    assert (records["f000-bl-afp-low"].count, records["f000-bl-afp-low"].value) == (16, Decimal("61.5"))
    assert "f000-bl-afp-low" in high.conflicts_with
    assert set(records["c000-table1-afp"].members) == {"f000-bl-afp-low", "f000-bl-afp-high"}


def test_causes_of_death(records: dict) -> None:
    # "Causes of death Frequency, n=26 (%)"; "Liver failure 16 (61.5)"; "Upper gastrointestinal bleeding 4 (15.4)"
    lf = records["f000-death-liver-failure"]
    assert (lf.count, lf.denominator, lf.value, lf.unit) == (16, 26, Decimal("61.5"), "%")
    assert "Liver failure 16 (61.5)" in lf.quote and "Causes of death Frequency, n=26 (%)" in lf.quote
    ugib = records["f000-death-ugib"]
    assert (ugib.count, ugib.value) == (4, Decimal("15.4"))
    assert (records["f000-death-sbp"].count, records["f000-death-sbp"].value) == (1, Decimal("3.8"))
    assert records["f000-death-liver-related"].value == Decimal("24")
    assert records["f000-death-airway"].endpoint == "Death" and records["f000-death-airway"].count == 2
    assert set(records["c000-deaths"].members) == {
        "f000-lost-to-followup", "f000-death-airway", "f000-death-liver-related"}


def test_table3_group_levels_comparator_ci_and_favours(records: dict) -> None:
    # "Yes vs. No 8.0 (6.0 ~ 10.0) VS. 22.0 (9.0 ~ 38.0) 0.001"
    pvtt = records["f000-os-pvtt-table3"]
    assert pvtt.group.includes == ["PortalVeinTumourThrombus"]
    assert pvtt.comparator_group.excludes == ["PortalVeinTumourThrombus"]
    assert (pvtt.comparator_ci_low, pvtt.comparator_ci_high) == (Decimal("9.0"), Decimal("38.0"))
    assert pvtt.favours == "comparator"
    # "Male vs. Female 10.0 (8.0 ~ 20.0) VS. 11.0 (5.0 ~ 30.0) 0.537": not significant, numbers favour female
    sex = records["f000-os-sex"]
    assert (sex.group.includes, sex.comparator_group.includes) == (["MaleSex"], ["FemaleSex"])
    assert (sex.value, sex.comparator_value, sex.favours, sex.significant) == (
        Decimal("10.0"), Decimal("11.0"), "comparator", False)
    age = records["f000-os-age"]
    assert (age.group.includes, age.comparator_group.includes) == (["AgeUpTo50Years"], ["AgeOver50Years"])
    assert (age.comparator_ci_low, age.comparator_ci_high) == (Decimal("3.0"), Decimal("38.0"))
    size = records["f000-os-lungsize-table3"]
    assert (size.group.includes, size.comparator_group.includes) == (
        ["PulmonaryMetastasisUnder2cm"], ["PulmonaryMetastasisAtLeast2cm"])
    assert size.favours == "comparator" and size.comparator_value == Decimal("13.0")
    resp = records["f000-os-liver-response-table3"]
    assert (resp.group.includes, resp.comparator_group.includes) == (["ObjectiveResponse"], ["NonResponse"])
    assert (resp.comparator_ci_low, resp.comparator_ci_high, resp.favours) == (Decimal("3.0"), Decimal("9.0"), "arm")
    afp = records["f000-os-afp"]
    assert (afp.group.includes, afp.comparator_group.includes, afp.favours) == (["AFPBelow100"], ["AFPAtLeast100"], "arm")
    # the text's PVTT comparison prints the group without PVTT first ("12.6 vs. 4.8 months")
    text = records["f000-os-pvtt-text"]
    assert text.group.excludes == ["PortalVeinTumourThrombus"] and text.favours == "arm"
    assert records["f000-shunt-os"].favours == "arm"
    for fid in ("f000-os-pvtt-table3", "f000-os-sex", "f000-os-hbv", "f000-os-ascites", "f000-os-pulmonary-number"):
        assert records[fid].note is None or "95% CI" not in records[fid].note


def test_response_site_count_denominator(records: dict) -> None:
    # "Of the 26 patients who underwent TACE for one to four times, 10 patients achieved complete remission (CR)"
    cr = records["f000-liver-cr"]
    assert (cr.site, cr.count, cr.denominator) == ("Liver", 10, 26)
    assert (records["f000-liver-orr"].count, records["f000-liver-orr"].denominator) == (16, 26)
    assert records["f000-liver-pr"].site == "Liver" and records["f000-liver-pr"].count == 6
    # "In 4 of the 26 patients, lung metasta-ses disappeared completely."
    lung = records["f000-lung-cr-cohort"]
    assert (lung.site, lung.endpoint, lung.count, lung.denominator) == ("Lung", "CompleteResponseRate", 4, 26)
    assert records["f000-shunt-lung-cr"].site == "Lung" and records["f000-shunt-liver-cr"].site == "Liver"
    assert records["f000-lung-response-liver-cr-abstract"].site == "Lung"
    assert records["f000-lung-response-requires-liver-cr"].group.includes == ["IntrahepaticCompleteResponse"]


def test_statements_without_numbers_are_qualitative(records: dict) -> None:
    for fid in ("f000-os-pvtt-multivariate", "f000-os-pvtt-abstract", "f000-os-lungsize-univariate-text",
                "f000-os-lungsize-multivariate", "f000-os-lungsize-abstract", "f000-os-cirrhosis", "f000-sung-os"):
        f = records[fid]
        assert f.statistic == "qualitative" and f.value is None and f.value_note
    multi = records["f000-os-pvtt-multivariate"]
    assert multi.analysis == "multivariate" and multi.group.includes == ["PortalVeinTumourThrombus"]


def test_population_union_child_pugh(records: dict) -> None:
    # "Child-pugh classification of Class A-B"
    pop = records["s000-tace-pm"].population
    assert pop.any_of == ["ChildPughA", "ChildPughB"] and "ChildPughC" in pop.excludes


def test_cited_sung_study(records: dict) -> None:
    # "Sung et al. treated 183 extra hepatic metastasis patients ... 24 patients receiving CR or PR"
    s = records["s000-sung"]
    assert s.reference == 12 and s.sample_size == 183
    assert records["f000-sung-orr"].value == Decimal("24") and records["f000-sung-orr"].reference == 12
    assert (records["f000-sung-orr"].count, records["f000-sung-orr"].denominator) == (24, 183)
    assert records["s000-sung"].design == ["DesignNotStated"]


def test_cited_radical_treatment_of_isolated_pulmonary_metastases(records: dict) -> None:
    # "radical treatment such as surgical resection or radiofrequency ablation for isolated pulmonary
    #  metastases significantly pro-longed patient survival in appro-priate cases [8-10]"
    for number in (8, 9, 10):
        s = records[f"s000-ref{number}"]
        assert s.reference == number and s.design == ["DesignNotStated"]
        assert s.arms[0].agents_used == ["Resection", "RadiofrequencyAblation"]
        f = records[f"f000-ref{number}-os"]
        assert (f.reference, f.endpoint, f.direction, f.significant) == (number, "OverallSurvival", "benefit", True)
        assert any("[8-10]" in q for q in f.quote)


def test_cited_case_reports_and_mechanisms(records: dict) -> None:
    # "Joachim Huainan reported that multiple lung metastases in a HCC patient were spontane-ously regressive
    #  after treatment by TACE."
    hu = records["s000-huainan"]
    assert hu.design == ["CaseReport"] and hu.reference == 14 and hu.arms[0].regimen == ["TACE"]
    reg = records["f000-huainan-lung-regression"]
    assert (reg.site, reg.direction, reg.reference) == ("Lung", "benefit", 14)
    assert records["f000-huainan-mechanism"].endpoint == "AntitumourImmuneResponse"
    # "Hobo et al. and Mochizuki et al. reported a case ... treated by radiation therapy, the intrahepatic tumor
    #  became regres-sive." / "significantly increased levels of TNF-α"
    assert records["f000-hobo-liver-regression"].site == "Liver"
    tnf = records["f000-hobo-tnf"]
    assert (tnf.endpoint, tnf.significant, tnf.reference) == ("SerumTNFAlpha", True, 16)
    assert records["f000-tnf-nk"].factor == "SerumTNFAlpha"
    # "Rae et al. reported that after two HCC patients with multiple lung metastases were treated by RFA ..."
    rae = records["f000-rae-lung-regression"]
    assert (rae.value, rae.count, rae.site, rae.reference) == (Decimal("2"), 2, "Lung", 15)
    assert records["s000-rae"].sample_size == 2
    # "[17, 18]": microwave therapy and cryoablation
    for number in (17, 18):
        assert records[f"s000-ref{number}"].arms[0].agents_used == ["MicrowaveAblation", "Cryoablation"]
        assert records[f"f000-ref{number}-immune"].reference == number
    # "In HCC patients without pulmonary metastasis, portal vein tumor thrombus is also the main factor ... [14]"
    pvtt = records["f000-ref14-pvtt-os"]
    assert pvtt.factor == "PortalVeinTumourThrombus" and pvtt.reference == 14
    assert records["s000-ref14-pvtt"].population.excludes == ["PulmonaryMetastasis"]
    assert set(records["c000-citation-14"].members) == {"s000-ref14-pvtt", "s000-huainan"}
    assert set(records["c000-citation-15"].members) == {"s000-hobo-mochizuki", "s000-rae"}


def test_recommendations_and_conclusions(records: dict) -> None:
    bclc = records["r000-bclc-systemic"]
    assert bclc.cites == [2] and "Sorafenib" in bclc.therapies
    shunt = records["r000-shunt-first"]
    assert shunt.therapies == ["ShuntEmbolization", "TACE"] and "pulmonary embolism" in " ".join(shunt.quote)
    assert records["r000-tace-for-pm"].therapies == ["TACE"]
    assert records["f000-conclusion-os"].direction == "benefit"
    assert records["f000-conclusion-lung-control"].site == "Lung"
