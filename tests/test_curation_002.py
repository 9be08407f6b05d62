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
    assert local.value is None and local.value_status == "not-reached" and local.value_note is None
    assert records["f002-oligo-os-median-local"].value_status == "not-reached"
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
    # Table 4: "ALT 升高 7(10.0) 5(7.1) 3(4.3) 0(0.0) 0(0.0)": n (%) with no stated denominator
    alt = records["f002-ae-alt-g3"]
    assert (alt.endpoint, alt.statistic, alt.count, alt.value, alt.unit) == ("ALTIncreased", "proportion", 3, Decimal("4.3"), "%")
    assert alt.denominator is None
    pain = records["f002-ae-pain-g2"]
    assert (pain.endpoint, pain.count, pain.value) == ("Pain", 8, Decimal("11.4"))


def test_systemic_regimen_counts(records: dict) -> None:
    # "仑伐替尼(23例)", "阿替利珠单抗联合贝伐珠单抗(14例)"
    assert records["f002-regimen-lenvatinib"].value == Decimal("23")
    assert records["f002-regimen-atezo-bev"].value == Decimal("14")
    # Table 1: "靶向/免疫 17(22.4) 19(25.0) 0.890"
    single = records["f002-base-regimen-single"]
    assert (single.count, single.value, single.comparator_count, single.comparator_value, single.p) == (
        17, Decimal("22.4"), 19, Decimal("25.0"), "P=0.890")


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


def test_counts_with_percentages_and_denominators(records: dict) -> None:
    # "76 例患者中 32 例 (42.1%) 死于肿瘤进展"
    deaths = records["f002-all-deaths"]
    assert (deaths.statistic, deaths.count, deaths.denominator, deaths.value, deaths.unit) == (
        "proportion", 32, 76, Decimal("42.1"), "%")
    # "76 例患者中，23 例（30.3%）在治疗期间达到 NED"
    ned = records["f002-ned-achieved"]
    assert (ned.count, ned.denominator, ned.value) == (23, 76, Decimal("30.3"))
    # "其中寡转移组 18 例（78.3%），非寡转移组 5 例（21.7%）": shares of the 23 NED patients
    split = records["f002-ned-oligo"]
    assert (split.count, split.denominator, split.value) == (18, 23, Decimal("78.3"))
    assert (split.comparator_count, split.comparator_denominator, split.comparator_value) == (5, 23, Decimal("21.7"))
    assert split.group.includes == ["Oligometastasis"] and split.comparator_group.includes == ["NonOligometastasis"]
    assert split.favours is None and "f002-ned-nonoligo" not in records
    # "有 31 次（54.4%）出现轻微并发症（1 级）" of "57 次局部治疗"
    minor = records["f002-ae-grade1-sessions"]
    assert (minor.endpoint, minor.count, minor.denominator, minor.value) == ("MinorComplication", 31, 57, Decimal("54.4"))
    # Table 1 "0 18(23.7) 8(10.5) 0.017": percentages of all 76 patients, so no denominator is curated
    ecog = records["f002-base-ecog0"]
    assert (ecog.count, ecog.value, ecog.comparator_count, ecog.comparator_value) == (
        18, Decimal("23.7"), 8, Decimal("10.5"))
    assert ecog.denominator is None and ecog.favours is None
    # "40例(52.6%)是寡转移"
    oligo = records["f002-base-oligo-all"]
    assert (oligo.count, oligo.denominator, oligo.value) == (40, 76, Decimal("52.6"))


def test_spans_ranges_and_sd(records: dict) -> None:
    # "中位随访时间为 15 (2.5~72.0) 个月"
    fu = records["f002-all-followup"]
    assert (fu.value, fu.range_low, fu.range_high, fu.range_kind) == (Decimal("15"), Decimal("2.5"), Decimal("72.0"), "range")
    # "中位NED累计持续时间为10.2（0.6~64.6）个月"
    ned = records["f002-ned-duration"]
    assert (ned.value, ned.range_low, ned.range_high, ned.range_kind) == (Decimal("10.2"), Decimal("0.6"), Decimal("64.6"), "range")
    # "平均年龄为(52±12.3)岁", "年龄31~84岁"
    age = records["f002-base-age"]
    assert (age.value, age.sd, age.range_low, age.range_high) == (Decimal("52"), Decimal("12.3"), Decimal("31"), Decimal("84"))
    # Table 1 "肝内病灶最大直径 ... 4.3±3.4 8.4±4.3 0.000"
    diameter = records["f002-base-intrahep-diameter"]
    assert (diameter.value, diameter.sd, diameter.comparator_value, diameter.comparator_sd, diameter.site) == (
        Decimal("4.3"), Decimal("3.4"), Decimal("8.4"), Decimal("4.3"), "Liver")
    # "接受肝脏手术的患者（达到 NED 状态）中位 OS 时间为 36~57 个月" [43-44]: a span, no single value
    for fid in ("f002-noren2016-os-median-resection", "f002-dejong2009-os-median-resection"):
        median = records[fid]
        assert median.value is None and median.value_note is None
        assert (median.range_low, median.range_high, median.range_kind) == (Decimal("36"), Decimal("57"), "span")
    five = records["f002-noren2016-os-5y-resection"]
    assert (five.range_low, five.range_high, five.comparator_value, five.favours) == (
        Decimal("45.4"), Decimal("47.3"), Decimal("4.5"), "arm")
    assert five.direction == "not-stated" and records[five.study].population.disease == "ColorectalLiverMetastasis"
    # "系统治疗的中位至缓解时间(TTR)为1.9个月~3.7个月" [45-47]
    ttr = records["f002-yau2025-ttr"]
    assert (ttr.endpoint, ttr.range_low, ttr.range_high, ttr.range_kind, ttr.unit, ttr.reference) == (
        "TimeToResponse", Decimal("1.9"), Decimal("3.7"), "span", "months", 46)
    # "系统治疗与局部治疗的间隔时间范围为 0~31 个月"
    interval = records["f002-interval-all"]
    assert (interval.statistic, interval.range_low, interval.range_high) == ("range", Decimal("0"), Decimal("31"))


def test_comparator_cis_and_favours(records: dict) -> None:
    # "非寡转移局部治疗组中位 OS 为 23.0 个月（95% CI=11.7~34.2），非寡转移无局部治疗组中位 OS 为 14.5 个月（95% CI=10.0~18.9）"
    f = records["f002-nonoligo-os-comparison"]
    assert (f.ci_low, f.ci_high, f.comparator_ci_low, f.comparator_ci_high) == (
        Decimal("11.7"), Decimal("34.2"), Decimal("10.0"), Decimal("18.9"))
    assert f.direction == "no-difference" and f.favours == "arm" and f.significant is False
    assert not any("comparator CI" in (f.note or "") for f in records.values() if hasattr(f, "favours"))
    for t in ("1y", "2y", "3y", "5y"):
        assert records[f"f002-os-{t}"].favours == "arm" and records[f"f002-oligo-os-{t}"].favours == "arm"
    # Berger [28]: "接受肝外转移手术切除的患者中位 OS 更高（27.2 个月 vs. 7.4 个月）", no test printed
    berger = records["f002-berger2016-os-median"]
    assert berger.p is None and berger.significant is None and berger.direction == "benefit"
    assert berger.favours == "arm"


def test_table3_factor_levels(records: dict) -> None:
    # "性别(男 vs. 女) 1.375(0.528~3.583) 0.515": value is the first-named level
    sex = records["f002-hr-uni-sex"]
    assert sex.group.includes == ["MaleSex"] and sex.comparator_group.includes == ["FemaleSex"]
    assert sex.favours == "comparator"
    age = records["f002-hr-uni-age"]
    assert (age.group.includes, age.comparator_group.includes) == (["AgeUpTo50Years"], ["AgeOver50Years"])
    size = records["f002-hr-uni-ehdiameter"]
    assert (size.group.includes, size.comparator_group.includes) == (["ExtrahepaticLesionUpTo2cm"], ["ExtrahepaticLesionOver2cm"])
    # "肝内病灶(超米兰标准 vs. 米兰标准) 0.241(...)" vs the text "肝内病灶符合米兰标准（HR=0.241"
    table, text = records["f002-hr-uni-milan-table"], records["f002-hr-uni-milan-text"]
    assert table.group.includes == ["BeyondMilanCriteria"] and text.group.includes == ["WithinMilanCriteria"]
    assert table.favours == text.favours == "arm"
    local = records["f002-hr-mv-local"]
    assert local.group.includes == ["LocoregionalTherapy"] and local.comparator_group.excludes == ["LocoregionalTherapy"]
    hepatitis = records["f002-hr-uni-hepatitis"]
    assert hepatitis.comparator_group.excludes == ["Hepatitis"] and hepatitis.favours == "arm"


def test_correlation_carries_both_variables(records: dict) -> None:
    f = records["f002-ned-os-correlation"]
    assert (f.endpoint, f.factor, f.value) == ("OverallSurvival", "CumulativeNEDDuration", Decimal("0.851"))


def test_population_union_and_disease_axis(records: dict) -> None:
    # "(4)肝功能Child-Pugh分级为A/B级"
    study = records["s002-yang2025"]
    assert study.population.any_of == ["ChildPughA", "ChildPughB"] and study.population.includes == ["CNLCIIIb"]
    assert records["s002-noren2016"].population.disease == "ColorectalLiverMetastasis"
    assert records["s002-cao2019"].population.disease == "LungTumour"
    assert records["s002-sun2022"].population.subjects == "clinicians"
    assert records["f002-case-fig4"].site == "Lung"


def test_qualitative_claims_of_cited_studies(records: dict) -> None:
    # "有研究[19-20]认为,应用局部治疗对于肝外转移的HCC患者的效果有限"
    for fid, ref in (("f002-hu2017-limited", 19), ("f002-sakamoto1999-limited", 20)):
        f = records[fid]
        assert (f.statistic, f.direction, f.reference) == ("qualitative", "no-difference", ref)
    # "也有研究[21-25]表明,...改善患者的生存质量和OS"
    for ref, name in ((21, "long2021"), (22, "lee2023"), (23, "kashima2010"), (24, "soliman2013"), (25, "ikegami2017")):
        os_, qol = records[f"f002-{name}-os"], records[f"f002-{name}-qol"]
        assert (os_.endpoint, os_.direction, os_.reference) == ("OverallSurvival", "benefit", ref)
        assert (qol.endpoint, qol.reference) == ("QualityOfLife", ref)
    # "最近一篇II期临床研究[16]表明...立体定向消融放疗是一种有效且可行的选择"
    choi = records["s002-choi2024"]
    assert choi.design == ["Phase2Trial"] and choi.arms[0].regimen == ["StereotacticRadiotherapy"]
    assert records["f002-choi2024-os"].direction == "benefit"
    # "局部治疗是一种安全选择，并发症发生风险低[37-42]"
    assert {records[f"f002-{n}-safety"].reference for n in (
        "harvey2019", "cao2019", "welch2015", "kalinauskaite2020", "jung2016", "hori2020")} == set(range(37, 43))
    # "肝外转移瘤接受手术切除可明显改善 OS" [36]
    midorikawa = records["f002-midorikawa2020-os"]
    assert "IntrahepaticDiseaseControlled" in midorikawa.population.includes and midorikawa.reference == 36
    assert records["f002-lee2014-cause-of-death"].endpoint == "Death"


def test_between_studies_conflict(records: dict) -> None:
    c = records["c002-local-therapy-controversy"]
    assert c.kind == "between-studies" and c.explanation
    assert {"f002-hu2017-limited", "f002-long2021-os", "f002-midorikawa2020-os"} <= set(c.members)
    assert "IntrahepaticDiseaseControlled" in c.explained_by
    ttr = records["c002-ttr-citations"]
    assert ttr.kind == "internal" and "s002-sun2022" in ttr.members


def test_every_cited_reference_is_listed(records: dict) -> None:
    import re
    from pathlib import Path
    data = Path(__file__).resolve().parents[1] / "data" / "002_cnlc_iiib_local_systemic.yaml"
    listed = {int(n) for n in re.findall(r"^- number: (\d+)$", data.read_text(encoding="utf-8"), re.M)}
    cited = {r.reference for r in records.values() if getattr(r, "id", "").startswith(("s002-", "f002-"))
             and getattr(r, "reference", None)}
    assert cited <= listed and len(listed) == 44


def test_regimen_counts_name_their_therapies(records: dict) -> None:
    # "阿替利珠单抗联合贝伐珠单抗(14例)", "卡瑞利珠单抗联合阿帕替尼(8例)"
    assert records["f002-regimen-atezo-bev"].group.includes == ["Atezolizumab", "Bevacizumab"]
    assert records["f002-regimen-camrelizumab-apatinib"].group.includes == ["Camrelizumab", "Apatinib"]
    # "研究发现经皮热消融治疗是安全有效的" [29]
    yuan = records["f002-yuan2020-safety"]
    assert (yuan.endpoint, yuan.statistic, yuan.reference) == ("AdverseEvent", "qualitative", 29)
