"""Field-by-field checks of doc 002 findings, written by hand from the source text.

Source: 杨瀚睿 等, 局部治疗联合系统治疗对CNLC IIIb期肝细胞癌患者的疗效分析, 中国普通外科杂志 2025.
"""

from __future__ import annotations

from decimal import Decimal


def test_source_metadata(records: dict) -> None:
    src = records["src002"]
    assert src.doi == "10.7659/j.issn.1005-6947.250082"
    assert src.year == 2025 and src.language == "zh"
    assert "CNLC IIIb" in src.title


def test_study_design_and_arms(records: dict) -> None:
    study = records["s002-yang2025"]
    assert study.design == ["RetrospectiveCohortStudy"]
    assert study.sample_size == 76 and study.period == "2017-01/2023-12"
    assert study.population.includes == ["CNLCIIIb"]
    local, nolocal = records["s002-yang2025-local"], records["s002-yang2025-nolocal"]
    assert local.size == 40 and local.regimen == ["LocoregionalTherapy", "SystemicTherapy"]
    assert nolocal.size == 36 and nolocal.regimen == ["SystemicTherapy"]


def test_one_year_os_local_vs_no_local(records: dict) -> None:
    # "局部治疗组 1、2、3、5 年 OS 率高于无局部治疗组 (89.0% vs. 66.7%, ...), 差异有统计学意义 (P=0.003)"
    f = records["f002-os-1y"]
    assert (f.arm, f.comparator_arm) == ("s002-yang2025-local", "s002-yang2025-nolocal")
    assert (f.endpoint, f.statistic, f.timepoint, f.unit) == ("OverallSurvival", "rate", "1 year", "%")
    assert (f.value, f.comparator_value) == (Decimal("89.0"), Decimal("66.7"))
    assert f.p == "P=0.003" and f.p_bound() == ("=", Decimal("0.003"))
    assert f.significant is True and f.direction == "benefit"
    five = records["f002-os-5y"]
    assert (five.timepoint, five.value, five.comparator_value) == ("5 years", Decimal("8.3"), Decimal("0.0"))


def test_median_os_by_group(records: dict) -> None:
    # "局部治疗组中位 OS 未达到, 无局部治疗组中位 OS 为 16.2 个月 (95% CI=13.3~19.1)"
    local = records["f002-os-median-local"]
    assert local.value is None and local.value_note == "not reached"
    nolocal = records["f002-os-median-nolocal"]
    assert (nolocal.value, nolocal.ci_low, nolocal.ci_high, nolocal.ci_level) == (
        Decimal("16.2"), Decimal("13.3"), Decimal("19.1"), 95)
    overall = records["f002-all-os-median"]
    assert overall.arm is None and overall.value == Decimal("23.0") and overall.unit == "months"


def test_oligometastatic_subgroup(records: dict) -> None:
    # "90.9%、81.8%、66.7%、25.0%；无局部治疗组 ... 78.6%，30.9%，11.1%，0.0%，差异有统计学意义（ $P=0.008$ ）"
    f = records["f002-oligo-os-1y"]
    assert "Oligometastasis" in f.population.includes
    assert (f.value, f.comparator_value, f.p) == (Decimal("90.9"), Decimal("78.6"), "P=0.008")
    assert f.significant is True
    three = records["f002-oligo-os-3y"]
    assert (three.value, three.comparator_value) == (Decimal("66.7"), Decimal("11.1"))
    median = records["f002-oligo-os-median-nolocal"]
    assert (median.value, median.ci_low, median.ci_high) == (Decimal("17.7"), Decimal("8.8"), Decimal("26.6"))


def test_non_oligometastatic_subgroup(records: dict) -> None:
    # "非寡转移局部治疗组中位 OS 为 23.0 个月 ... 非寡转移无局部治疗组中位 OS 为 14.5 个月 ... （ $P=0.124$ ）"
    f = records["f002-nonoligo-os-comparison"]
    assert "NonOligometastasis" in f.population.includes
    assert (f.value, f.comparator_value, f.p) == (Decimal("23.0"), Decimal("14.5"), "P=0.124")
    assert f.significant is False and f.direction == "no-difference"
    local = records["f002-nonoligo-os-median-local"]
    assert (local.ci_low, local.ci_high) == (Decimal("11.7"), Decimal("34.2"))


def test_multivariate_oligometastasis_hr(records: dict) -> None:
    # "寡转移（ $HR=2.213$ ，95%  $CI=1.017\sim4.816$ ， $P=0.045$ ）是 OS 的独立影响因素"
    f = records["f002-hr-mv-oligo"]
    assert (f.statistic, f.analysis, f.factor, f.endpoint) == (
        "hazard-ratio", "multivariate", "Oligometastasis", "OverallSurvival")
    assert (f.hr, f.ci_low, f.ci_high, f.ci_level) == (Decimal("2.213"), Decimal("1.017"), Decimal("4.816"), 95)
    assert f.p == "P=0.045" and f.significant is True


def test_univariate_hrs(records: dict) -> None:
    # Table 3: "寡转移(是 vs. 否) 2.868(1.373~5.989) 0.005"; "局部治疗(有 vs. 无) 2.817(1.355~5.856) 0.006"
    oligo = records["f002-hr-uni-oligo"]
    assert (oligo.hr, oligo.ci_low, oligo.ci_high, oligo.p) == (
        Decimal("2.868"), Decimal("1.373"), Decimal("5.989"), "P=0.005")
    assert oligo.analysis == "univariate"
    local = records["f002-hr-uni-local"]
    assert (local.factor, local.hr, local.p) == ("LocoregionalTherapy", Decimal("2.817"), "P=0.006")
    sex = records["f002-hr-uni-sex"]
    assert (sex.hr, sex.ci_low, sex.ci_high, sex.p, sex.significant) == (
        Decimal("1.375"), Decimal("0.528"), Decimal("3.583"), "P=0.515", False)
    # the multivariate ECOG HR is only in Table 3: "2.423(0.942~6.231) 0.066"
    ecog = records["f002-hr-mv-ecog"]
    assert (ecog.hr, ecog.ci_low, ecog.ci_high, ecog.p) == (
        Decimal("2.423"), Decimal("0.942"), Decimal("6.231"), "P=0.066")


def test_ned_correlation_and_duration(records: dict) -> None:
    # "NED累计持续时间与OS呈明显正相关（ $r=0.851$ ， $P<0.001$ ）"; "中位NED累计持续时间为10.2（0.6~64.6）个月"
    f = records["f002-ned-os-correlation"]
    assert (f.statistic, f.value, f.p) == ("correlation", Decimal("0.851"), "P<0.001")
    assert f.p_bound() == ("<", Decimal("0.001")) and f.arm == "s002-yang2025-local"
    duration = records["f002-ned-duration"]
    assert (duration.endpoint, duration.value, duration.unit) == ("CumulativeNEDDuration", Decimal("10.2"), "months")


def test_safety(records: dict) -> None:
    # "无局部治疗相关性死亡发生。在57次局部治疗过程中，5例发生3级不良反应"
    death = records["f002-trd"]
    assert death.endpoint == "TreatmentRelatedDeath" and death.value is None and death.value_note == "none"
    g3 = records["f002-ae-grade3"]
    assert (g3.endpoint, g3.value, g3.unit) == ("Grade3to4AdverseEvent", Decimal("5"), "patients")
    # Table 4: "ALT 升高 7(10.0) 5(7.1) 3(4.3) 0(0.0) 0(0.0)"
    assert records["f002-ae-alt-g3"].value == Decimal("3")
    assert records["f002-ae-pain-g2"].value == Decimal("8")


def test_systemic_regimen_counts(records: dict) -> None:
    # "仑伐替尼(23例)", "阿替利珠单抗联合贝伐珠单抗(14例)"
    assert records["f002-regimen-lenvatinib"].value == Decimal("23")
    assert records["f002-regimen-atezo-bev"].value == Decimal("14")
    single = records["f002-base-regimen-single"]
    assert (single.value, single.comparator_value, single.p) == (Decimal("17"), Decimal("19"), "P=0.890")


def test_cited_berger_study(records: dict) -> None:
    # "接受肝外转移手术切除的患者中位 OS 更高（27.2 个月 *vs.* 7.4 个月）" [28]
    f = records["f002-berger2016-os-median"]
    assert (f.value, f.comparator_value, f.reference) == (Decimal("27.2"), Decimal("7.4"), 28)
    study = records[f.study]
    assert study.sample_size == 85 and study.design == ["RetrospectiveCohortStudy"]


def test_stage_conflict(records: dict) -> None:
    c = records["c002-stage"]
    assert "s002-yang2025" in c.members
    assert any("CNLC stage IIb" in q for q in c.quote)
    assert any("CNLC stage IIIb" in q for q in c.quote)


def test_table3_label_conflicts_are_linked(records: dict) -> None:
    text, table = records["f002-hr-uni-ecog-text"], records["f002-hr-uni-ecog-table"]
    assert (text.factor, table.factor) == ("ECOGPS1", "ECOGPS0")
    assert text.hr == table.hr == Decimal("3.475")
    assert table.id in text.conflicts_with and text.id in table.conflicts_with
    assert set(records["c002-hr-ecog"].members) >= {text.id, table.id}
    local = records["c002-hr-local-direction"]
    assert {"f002-hr-uni-local", "f002-os-1y"} <= set(local.members)
