"""Field-by-field checks of doc 001 (CCI consensus on TACE refractoriness), written by hand from the source text."""

from __future__ import annotations

from decimal import Decimal

# Printed grades of 共识 2-9 ("证据质量 II b, 推荐强度 B" etc.); 共识 1 is printed without grades.
GRADES = {
    2: ("IIb", "B"), 3: ("IIb", "B"), 4: ("Ib", "A"), 5: ("IIb", "B"),
    6: ("IIb", "B"), 7: ("IIb", "A"), 8: ("IIb", "B"), 9: ("IIb", "A"),
}


def test_source_metadata(records: dict) -> None:
    src = records["src001"]
    assert src.doi == "10.3969/j.issn.1008-794X.2022.11.001"
    assert src.year == 2022 and src.language == "zh" and src.kind == "expert-consensus"
    assert src.authors == "中国医师协会介入医师分会临床诊疗指南专委会"


def test_all_nine_consensus_statements_with_grades(records: dict) -> None:
    statements = {r.number: r for r in records.values()
                  if getattr(r, "kind", None) == "consensus-statement" and r.id.startswith("r001-")}
    assert sorted(statements) == list(range(1, 10))
    s1 = statements[1]
    assert s1.evidence_quality is None and s1.strength is None
    assert "TACERefractory" in s1.populations
    for number, (quality, strength) in GRADES.items():
        s = statements[number]
        assert (s.evidence_quality, s.strength, s.grading_system) == (quality, strength, "USPSTF"), number


def test_statement_citations(records: dict) -> None:
    assert 43 in records["r001-cs7"].cites
    assert {15, 29, 30} <= set(records["r001-cs4"].cites)
    assert set(range(31, 39)) <= set(records["r001-cs5"].cites)
    assert "NewIntrahepaticLesion" in records["r001-cs4"].populations
    assert {"TACEUnsuitable", "ChildPughC"} <= set(records["r001-cs9"].populations)


def test_cci_definition_criteria(records: dict) -> None:
    d = records["d001-cci2021"]
    by_aspect = {}
    for c in d.criteria:
        by_aspect.setdefault(c.aspect, []).append(c)
    assert "3" in by_aspect["sessions"][0].value and "consecutive" in by_aspect["sessions"][0].value
    assert "1-3 months" in by_aspect["assessment-window"][0].value
    assert "last TACE" in by_aspect["assessment-window"][0].value
    assert by_aspect["response-criteria"][0].response_criteria == "mRECIST"
    assert "CT/MRI" in by_aspect["imaging"][0].value
    assert "first TACE" in by_aspect["refractory-condition"][0].value
    assert d.reference is None


def test_jsh_and_epoihcc_definitions(records: dict) -> None:
    jsh = records["d001-jsh2014"]
    assert jsh.reference == 10 and jsh.name == "JSH-LCSGJ 2014"
    values = {c.aspect: [] for c in jsh.criteria}
    for c in jsh.criteria:
        values[c.aspect].append(c.value)
    assert values["sessions"][0].startswith("2 or more consecutive")
    assert "1-3 months" in values["assessment-window"][0]
    assert any("50%" in v for v in values["refractory-condition"])
    assert "tumour-marker" in values
    epo = records["d001-epoihcc"]
    assert epo.reference == 11
    aspects = {c.aspect: c.value for c in epo.criteria}
    assert "3 or more" in aspects["sessions"] and "6 months" in aspects["assessment-window"]
    assert records["d001-european"].reference == 12


def test_survey_figures(records: dict) -> None:
    study = records["s001-cci-survey2020"]
    assert study.sample_size == 257 and study.design == ["Survey"] and study.reference == 23
    expected = {
        "f001-survey-concept-valuable": Decimal("74.3"),
        "f001-survey-combination-after-jsh": Decimal("46.1"),
        "f001-survey-new-lesions-disagree": Decimal("47.1"),
        "f001-survey-three-tace-agree": Decimal("29.2"),
        "f001-survey-continue-tace-pvtt": Decimal("94.2"),
        "f001-survey-continue-tace-ehm": Decimal("98.4"),
        "f001-survey-existing-definitions-disagree": Decimal("91.4"),
    }
    for fid, value in expected.items():
        f = records[fid]
        assert (f.endpoint, f.statistic, f.value, f.unit) == ("SurveyResponse", "proportion", value, "%"), fid
    assert "88/191" in records["f001-survey-combination-after-jsh"].quote


def test_workshop_and_tactics(records: dict) -> None:
    ws = records["s001-cci-workshop2021"]
    assert ws.sample_size == 31 and ws.reference is None and ws.design == ["ExpertConsensus"]
    tactics = records["s001-tactics"]
    assert tactics.trial_name == "TACTICS" and tactics.reference == 15
    assert records["s001-tactics-combo"].regimen == ["TACE", "Sorafenib"]
    assert records["s001-tactics-tace"].regimen == ["TACE"]
    f = records["f001-tactics-efficacy"]
    assert f.direction == "benefit" and f.value is None and f.p is None and f.hr is None


def test_treatment_strategy_branches(records: dict) -> None:
    assert records["r001-ts-1-cr"].therapies == ["RegularFollowUp"]
    assert "TACE" not in records["r001-ts-3-cr"].therapies
    assert "TACE" in records["r001-ts-3-pr-sd"].therapies and "TACE" in records["r001-ts-4"].therapies
    refractory = records["r001-ts-refractory"]
    assert "TACE" not in refractory.therapies
    assert {"HAIC", "TARE", "DEBTACE", "TILATACE", "Ablation"} <= set(refractory.therapies)
    for rid in ("r001-ts-1-cr", "r001-ts-1-pr-sd", "r001-ts-2", "r001-ts-3-cr", "r001-ts-3-pr-sd", "r001-ts-4"):
        assert records[rid].kind == "treatment-strategy"


def test_conflicts_and_references(records: dict) -> None:
    c = records["c001-cr-with-vi-ehm"]
    assert set(c.members) == {"r001-cs5", "r001-ts-3-cr"}
    assert set(records["c001-cci-baseline"].members) == {"d001-cci2021", "d001-cci2021-en"}
    bridge = records["f001-bridge-tumour-diameter-china"]
    assert bridge.value is None and "6.5~6.7" in bridge.value_note and bridge.reference == 24


def test_reference_list_entries(dataset) -> None:  # type: ignore[no-untyped-def]
    (file,) = [f for f in dataset.files if f.data.source.id == "src001"]
    refs = {r.number: r for r in file.data.references}
    # The reference list of doc 001 prints no DOIs.
    assert all(r.doi is None for r in refs.values())
    assert (refs[15].authors, refs[15].journal, refs[15].year) == ("Kudo M, Ueshima K, Ikeda M, et al.", "Gut", 2020)
    assert (refs[23].journal, refs[23].year) == ("J Clin Transl Hepatol", 2021)
    assert (refs[10].journal, refs[10].year) == ("Oncology", 2014)
