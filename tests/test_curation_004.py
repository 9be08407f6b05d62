"""Field-by-field checks of doc 004 findings, written by hand from the source text."""

from __future__ import annotations

from decimal import Decimal


def _reference(dataset, record_id: str, number: int):  # type: ignore[no-untyped-def]
    refs = {r.number: r for r in dataset.source_of(record_id).data.references}
    return refs[number]


def test_he2019_folfox_haic_sorafenib_os(records: dict) -> None:
    f = records["f004-he2019-os"]
    assert (f.value, f.comparator_value, f.unit) == (Decimal("13.37"), Decimal("7.13"), "months")
    assert f.p == "P<0.001" and f.p_bound() == ("<", Decimal("0.001"))
    assert f.direction == "benefit" and f.significant is True
    study = records[f.study]
    assert study.reference == 12 and "RandomisedControlledTrial" in study.design
    assert study.population.includes == ["PortalVeinInvasion"]


def test_he2019_orr_and_grade34_adverse_events(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    orr = records["f004-he2019-orr"]
    assert orr.endpoint == "ObjectiveResponseRate" and orr.criteria == "RECIST11"
    assert (orr.value, orr.comparator_value, orr.unit) == (Decimal("40.8"), Decimal("2.46"), "%")
    assert orr.p == "P<0.001" and orr.reference == 12
    expected = {"neutropenia": ("Neutropenia", "9.68", "2.48"), "thrombocytopenia": ("Thrombocytopenia", "12.9", "4.96"),
                "vomiting": ("Vomiting", "6.45", "0.83")}
    for detail, (endpoint, combo, sor) in expected.items():
        ae = records[f"f004-he2019-ae-{detail}"]
        assert ae.endpoint == endpoint and ae.outcome_detail == f"grade 3-4 {detail}"
        assert (ae.value, ae.comparator_value) == (Decimal(combo), Decimal(sor))
        assert ae.arm == "s004-he2019-combo" and ae.comparator_arm == "s004-he2019-sor"
        assert ae.direction == "harm" and ae.favours == "comparator"
    assert _reference(dataset, "f004-he2019-orr", 12).doi == "10.1001/jamaoncol.2019.0250"


def test_silius_negative_and_population_is_not_both_child_pugh_classes(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    f = records["f004-silius-os"]
    assert (f.value, f.comparator_value) == (Decimal("11.8"), Decimal("11.5"))
    assert f.p == "P=0.955" and f.significant is False and f.direction == "no-difference"
    study = records["s004-silius"]
    assert study.trial_name == "SILIUS" and study.reference == 14
    assert "ChildPughA" not in study.population.includes and "ChildPughB7" not in study.population.includes
    assert records["s004-silius-combo"].regimen == ["LowDoseCisplatinFluorouracilHAIC", "Sorafenib"]
    assert _reference(dataset, "s004-silius", 14).doi == "10.1016/S2468-1253(18)30078-5"


def test_ikeda2016_cisplatin_haic_sorafenib(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    f = records["f004-ikeda2016-os"]
    assert (f.value, f.comparator_value, f.p) == (Decimal("10.6"), Decimal("8.7"), "P=0.031")
    study = records[f.study]
    assert study.design == ["RandomisedPhase2Trial"] and study.reference == 13
    assert records[f.arm].regimen == ["CisplatinHAIC", "Sorafenib"]
    assert _reference(dataset, f.id, 13).doi == "10.1093/annonc/mdw323"


def test_long2023_survival_rates_by_year(records: dict) -> None:
    expected = {"1y": ("1 year", "63.6", "47.2"), "2y": ("2 years", "12.1", "11.8"), "3y": ("3 years", "3.0", "2.7")}
    for key, (timepoint, combo, haic) in expected.items():
        f = records[f"f004-long2023-os-{key}"]
        assert f.statistic == "rate" and f.timepoint == timepoint
        assert (f.value, f.comparator_value, f.unit) == (Decimal(combo), Decimal(haic), "%")
    study = records["s004-long2023"]
    assert study.population.includes == ["AdvancedHCC", "PortalVeinInvasion"]
    assert study.population.excludes == ["ExtrahepaticMetastasis"]
    assert records["s004-long2023-combo"].regimen == ["MFOLFOX6HAIC", "Lenvatinib"]
    assert records["f004-long2023-ae-grade34"].value == Decimal("7.3")


def test_leopard_orr_by_criteria_and_grade34_events(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    assert records["f004-leopard-orr-mrecist"].value == Decimal("64.7")
    assert records["f004-leopard-orr-mrecist"].criteria == "mRECIST"
    assert records["f004-leopard-orr-recist"].value == Decimal("45.7")
    assert records["f004-leopard-orr-recist"].criteria == "RECIST11"
    events = {"ast": ("34", "ASTIncreased"), "leukopenia": ("22", "Leukopenia"), "alt": ("19", "ALTIncreased"),
              "hypertension": ("11", "Hypertension")}
    for key, (value, endpoint) in events.items():
        f = records[f"f004-leopard-ae-{key}"]
        assert f.value == Decimal(value) and f.endpoint == endpoint and f.outcome_detail.startswith("grade 3-4 ")
        assert f.comparator_arm is None and f.comparator_value is None
    study = records["s004-leopard"]
    assert study.trial_name == "LEOPARD" and "MultiCentreStudy" in study.design
    assert _reference(dataset, "s004-leopard", 24).doi == "10.1159/000531820"


def test_mei2021_pd1_benefit_and_subgroups_without_benefit(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    os_ = records["f004-mei2021-os"]
    assert (os_.value, os_.comparator_value, os_.p) == (Decimal("18.0"), Decimal("14.6"), "P=0.018")
    pfs = records["f004-mei2021-pfs"]
    assert (pfs.value, pfs.comparator_value, pfs.p) == (Decimal("10.0"), Decimal("5.6"), "P=0.006")
    dcr = records["f004-mei2021-dcr"]
    assert (dcr.value, dcr.comparator_value, dcr.criteria) == (Decimal("83"), Decimal("66"), "mRECIST")
    pvtt = records["f004-mei2021-os-main-pvtt"]
    ehs = records["f004-mei2021-os-ehs"]
    assert "MainPVTT" in pvtt.population.includes and "ExtrahepaticMetastasis" in ehs.population.includes
    assert pvtt.direction == ehs.direction == "no-difference"
    assert pvtt.value is None and ehs.value is None
    assert records["s004-mei2021"].design == ["RetrospectiveCohortStudy"]
    assert _reference(dataset, "s004-mei2021", 30).doi == "10.2147/JHC.S298538"


def test_xu2021_toripalimab_haic_vs_lenvatinib(records: dict) -> None:
    expected = {
        "os": ("17.13", "10.1", None), "pfs": ("9.3", "4.8", None),
        "dcr": ("86.8", "69.2", "RECIST11"), "orr": ("47.2", "9.2", "RECIST11"),
    }
    for key, (combo, len_, criteria) in expected.items():
        f = records[f"f004-xu2021-{key}"]
        assert (f.value, f.comparator_value, f.criteria) == (Decimal(combo), Decimal(len_), criteria)
        assert f.comparator_arm == "s004-xu2021-len" and f.reference == 31
    assert records["s004-xu2021-combo"].regimen == ["FOLFOXHAIC", "Toripalimab"]
    assert records["s004-xu2021-len"].regimen == ["Lenvatinib"]


def test_triple_therapy_single_arm_studies(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    conv = records["f004-hong2023-conversion"]
    assert conv.endpoint == "ConversionResectionRate" and conv.value == Decimal("52.6")
    orr = records["f004-hong2023-orr"]
    assert orr.value == Decimal("84.2") and orr.criteria == "mRECIST" and orr.ci_low is None
    assert records["f004-hong2023-cr"].value == Decimal("10.5")
    assert records["f004-hong2023-pr"].value == Decimal("73.7")
    assert records["f004-hong2023-dcr"].value == Decimal("94.7")
    assert records["s004-hong2023"].design == ["SingleArmTrial"]
    assert records["s004-hong2023-triple"].regimen == ["HAIC", "Donafenib", "PD1Inhibitor"]
    heq = records["f004-heq2023-orr"]
    assert heq.value == Decimal("73.3") and records["s004-heq2023"].registry_id == "ChiCTR2100051714"
    assert records["s004-heq2023"].population.includes == ["PortalVeinTumourThrombus"]
    assert records["f004-heq2023-pr"].value == Decimal("60.0")
    assert _reference(dataset, "s004-hong2023", 42).doi == "10.1200/jco.2023.41.16_suppl.e16140"


def test_cao2024_triple_vs_targeted_immune(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    pfs, os_, ae = records["f004-cao2024-pfs"], records["f004-cao2024-os"], records["f004-cao2024-ae"]
    assert (pfs.value, pfs.comparator_value, pfs.p) == (Decimal("12.5"), Decimal("7.8"), "P=0.036")
    assert (os_.value, os_.comparator_value, os_.p) == (Decimal("31.6"), Decimal("14.6"), "P<0.001")
    assert (ae.value, ae.comparator_value, ae.direction) == (Decimal("94.3"), Decimal("75.4"), "harm")
    assert records["s004-cao2024-ti"].regimen == ["AntiAngiogenicTherapy", "ImmuneCheckpointInhibitor"]
    assert records["s004-cao2024-triple"].regimen == ["HAIC", "AntiAngiogenicTherapy", "ImmuneCheckpointInhibitor"]
    assert _reference(dataset, "s004-cao2024", 47).doi == "10.3748/wjg.v30.i4.318"


def test_himalaya_and_haic_vs_tace(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    os_ = records["f004-himalaya-os"]
    assert (os_.value, os_.comparator_value) == (Decimal("16.4"), Decimal("13.7"))
    rate = records["f004-himalaya-os-3y"]
    assert (rate.value, rate.comparator_value, rate.timepoint) == (Decimal("30.7"), Decimal("20.2"), "3 years")
    assert records["s004-himalaya"].registry_id == "NCT03298451"
    tace = records["f004-li2022-os"]
    assert (tace.value, tace.comparator_value, tace.p) == (Decimal("23.1"), Decimal("16.1"), "P<0.001")
    assert records["s004-li2022"].population.includes == ["LargeTumour"]
    assert records[tace.comparator_arm].regimen == ["TACE"]
    assert _reference(dataset, "s004-li2022", 5).doi == "10.1200/JCO.21.00608"


def test_fohaic1_contradiction_recorded(records: dict) -> None:
    text, title = records["f004-fohaic1-shrinkage-text"], records["f004-fohaic1-shrinkage-title"]
    assert text.conflicts_with == ["f004-fohaic1-shrinkage-title"]
    assert title.conflicts_with == ["f004-fohaic1-shrinkage-text"]
    assert records[text.arm].regimen == ["FOLFOXHAIC", "Sorafenib"]
    assert records[title.arm].regimen == ["FOLFOXHAIC"]
    conflict = records["c004-fohaic1-regimen"]
    assert set(conflict.members) >= {text.id, title.id}


def test_source_metadata(records: dict) -> None:
    source = records["src004"]
    assert source.doi == "10.7659/j.issn.1005-6947.2024.07.015"
    assert source.journal == "中国普通外科杂志" and source.year == 2024
    assert source.authors.startswith("姜树森")


def test_carhero_cadonilimab_folfox_haic_phase2_with_reference(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    study = records["s004-carhero"]
    assert study.reference == 36 and study.trial_name == "Car-Hero" and study.design == ["Phase2Trial"]
    assert study.population.includes == ["ResectableMultinodular"]
    assert study.population.any_of == ["CNLCIb", "CNLCIIa"]
    assert records["s004-carhero-combo"].regimen == ["FOLFOXHAIC", "Cadonilimab"]
    activity, safety = records["f004-carhero-activity"], records["f004-carhero-safety"]
    assert (activity.endpoint, activity.direction, activity.value) == ("TumourResponse", "benefit", None)
    assert (safety.endpoint, safety.direction) == ("AdverseEvent", "not-stated")
    assert "卡度尼利单抗联合FOLFOX-HAIC新辅助治疗" in activity.quote
    reference = _reference(dataset, "s004-carhero", 36)
    assert reference.doi == "10.1016/j.annonc.2023.10.766" and "Car-Hero" in reference.title


def test_cadonilimab_solid_tumour_evidence_is_not_hcc(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    study = records["s004-compassion03"]
    assert study.population.disease == "AdvancedSolidTumour" and study.trial_name == "COMPASSION-03"
    assert study.reference == 35 and study.phase == "1b/2"
    tox = records["f004-compassion03-toxicity"]
    assert tox.endpoint == "AdverseEvent" and tox.direction == "benefit" and "[34-35]" in tox.quote
    assert _reference(dataset, "s004-compassion03", 35).doi == "10.1016/S1470-2045(23)00411-4"
    assert _reference(dataset, "s004-compassion03", 34).doi == "10.1080/19420862.2023.2180794"


def test_ongoing_trials_have_no_results(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    for nct in ("NCT03993743", "NCT04952272", "NCT03941626"):
        study = records[f"s004-{nct.lower()}"]
        assert study.registry_id == nct and study.design == ["Phase1Trial"] and study.reference is None
        assert records[f"s004-{nct.lower()}-cart"].regimen == ["CARTCellTherapy"]
        ongoing = records[f"f004-{nct.lower()}-ongoing"]
        assert ongoing.value is None and ongoing.direction == "not-stated"
    chen = records["s004-chen2024"]
    assert chen.reference == 44 and chen.design == ["SingleArmTrial"]
    assert records["s004-chen2024-triple"].regimen == ["HAIC", "Anlotinib", "Penpulimab"]
    assert _reference(dataset, "s004-chen2024", 44).doi == "10.1200/jco.2024.42.3_suppl.tps579"


def test_counts_denominators_and_response_organ(records: dict) -> None:
    ae = records["f004-long2023-ae-grade12"]
    assert (ae.count, ae.denominator, ae.value, ae.unit) == (96, 132, Decimal("72.7"), "%")
    conv = records["f004-hong2023-conversion"]
    assert (conv.count, conv.denominator, conv.value) == (10, 19, Decimal("52.6"))
    orr = records["f004-heq2023-orr"]
    assert (orr.count, orr.denominator, orr.value) == (11, 15, Decimal("73.3"))
    grade34 = records["f004-zhang2023-ae-grade34"]
    assert (grade34.count, grade34.denominator, grade34.value) == (97, None, Decimal("72"))
    cr = records["f004-he2019-intrahepatic-cr"]
    assert cr.site == "Liver" and cr.criteria == "mRECIST" and cr.value == Decimal("11.2")


def test_favours_by_printed_numbers_and_direction_as_stated(records: dict) -> None:
    for key in ("1y", "2y", "3y"):
        f = records[f"f004-long2023-os-{key}"]
        assert f.favours == "arm" and f.direction == "not-stated" and f.p is None and f.significant is None
    silius = records["f004-silius-os"]
    assert silius.favours == "arm" and silius.direction == "no-difference" and silius.significant is False
    for key in ("os", "pfs", "dcr", "orr"):
        f = records[f"f004-xu2021-{key}"]
        assert f.favours == "arm" and f.p is None
    cao_ae = records["f004-cao2024-ae"]
    assert cao_ae.favours == "comparator" and cao_ae.direction == "harm" and cao_ae.p == "P<0.001"


def test_population_unions_and_new_terms(records: dict) -> None:
    xu = records["s004-xu2021"].population
    assert xu.any_of == ["MajorVeinInvasion", "ExtrahepaticMetastasis"] and xu.includes == ["AdvancedHCC"]
    silius = records["s004-silius"].population
    assert silius.any_of == ["ChildPughA", "ChildPughB7"]
    assert records["s004-xu2020"].population.includes == ["AdvancedHCC", "PotentiallyResectable"]
    for sid in ("s004-yu2024", "s004-mei2021", "s004-xu2024"):
        assert records[sid].population.any_of == ["BCLCB", "BCLCC"]
    assert "MajorVeinInvasion" in records["r004-consensus45-haic-triple"].populations
    wei = records["s004-wei2023"].population
    assert wei.includes == ["Resectable", "BeyondMilanCriteria"] and wei.any_of == ["BCLCA", "BCLCB"]


def test_between_studies_conflicts(records: dict) -> None:
    cp = records["c004-ikeda-vs-silius"]
    assert cp.kind == "between-studies" and cp.explained_by == ["ChildPughB7"]
    assert {"f004-ikeda2016-os", "f004-silius-os"} <= set(cp.members)
    assert any("Child-PughB级7分" in q.replace(" ", "") for q in cp.quote)
    regimen = records["c004-regimen-aetiology"]
    assert regimen.kind == "between-studies"
    assert regimen.explained_by == ["CisplatinHAIC", "FOLFOXHAIC", "HBVInfection", "HCVInfection",
                                    "AlcoholicLiverDisease"]
    assert {"s004-silius", "s004-leopard", "s004-he2019", "s004-long2023"} <= set(regimen.members)
    mei = records["c004-mei-vs-xu2021"]
    assert mei.kind == "between-studies" and mei.explained_by == []
    assert "不同的见解" in "".join(mei.quote)


def test_qualitative_claims_of_cited_work(records: dict, dataset) -> None:  # type: ignore[no-untyped-def]
    kong = records["f004-kong2023-ae"]
    assert (kong.direction, kong.reference, kong.value) == ("harm", 18, None)
    assert records["f004-kong2023-evidence-lacking"].direction == "not-stated"
    assert _reference(dataset, "s004-kong2023", 18).doi == "10.1007/s12328-023-01860-4"
    yam = records["f004-yamamoto2024-survival"]
    assert yam.direction == "benefit" and records["s004-yamamoto2024-combo"].regimen == ["CisplatinHAIC", "Lenvatinib"]
    tech = records["f004-ding2023-technique"]
    assert records[tech.arm].regimen == ["HAICRepeatedCatheterization"]
    assert records[tech.comparator_arm].regimen == ["HAICImplantedPort"] and tech.direction == "benefit"
    assert records["f004-sun2023-irae"].direction == "harm"
    surgery = records["f004-zhang2023-os-surgery"]
    assert surgery.group.includes == ["Resection"] and surgery.comparator_group.excludes == ["Resection"]
    for base in ("hua2024", "kudo2018"):
        assert records[f"f004-{base}-os"].direction == "benefit"
        assert records[f"f004-{base}-orr"].comparator_arm == f"s004-{base}-sor"
    esmo = records["r004-jsh-esmo-haic"]
    assert esmo.cites == [6, 16] and esmo.kind == "consensus-statement"
    assert {r.id for r in records.values() if r.id.startswith("r004-") and getattr(r, "cites", None) == [2]} == {
        "r004-guideline2024-recist-systemic", "r004-guideline2024-mrecist-antiangiogenic",
        "r004-guideline2024-irecist-ici"}
