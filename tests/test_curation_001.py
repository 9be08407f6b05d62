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
    # Only the source's own nine statements are consensus statements (no cited guideline's position).
    assert len([r for r in records.values() if getattr(r, "kind", None) == "consensus-statement"
                and r.id.startswith("r001-")]) == 9
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
    # "首诊时中位肿瘤直径即已达到 6.5~6.7 cm^[24]": a span, no single value
    assert bridge.value is None and bridge.value_note is None and bridge.reference == 24
    assert (bridge.statistic, bridge.unit, bridge.range_kind) == ("median", "cm", "span")
    assert (bridge.range_low, bridge.range_high) == (Decimal("6.5"), Decimal("6.7"))


def test_reference_list_entries(dataset) -> None:  # type: ignore[no-untyped-def]
    (file,) = [f for f in dataset.files if f.data.source.id == "src001"]
    refs = {r.number: r for r in file.data.references}
    # The reference list of doc 001 prints no DOIs.
    assert all(r.doi is None for r in refs.values())
    assert (refs[15].authors, refs[15].journal, refs[15].year) == ("Kudo M, Ueshima K, Ikeda M, et al.", "Gut", 2020)
    assert (refs[23].journal, refs[23].year) == ("J Clin Transl Hepatol", 2021)
    assert (refs[10].journal, refs[10].year) == ("Oncology", 2014)


def _criteria(definition) -> dict:  # type: ignore[no-untyped-def]
    by_aspect: dict = {}
    for c in definition.criteria:
        by_aspect.setdefault(c.aspect, []).append(c)
    return by_aspect


def _events(definition) -> set:  # type: ignore[no-untyped-def]
    return {e for c in definition.criteria for e in c.events}


def test_definitions_structured_sessions_windows_imaging(records: dict) -> None:
    # JSH-LCSGJ 2014: "连续2次及以上TACE治疗后1~3个月行CT/MRI检查"
    jsh = _criteria(records["d001-jsh2014"])
    assert (jsh["sessions"][0].sessions, jsh["sessions"][0].consecutive) == (2, True)
    assert jsh["assessment-window"][0].window_months == Decimal("3")
    assert jsh["imaging"][0].imaging == ["ComputedTomography", "MagneticResonanceImaging"]
    assert "response-criteria" not in jsh
    # the 2 sessions, window and imaging belong to condition ① only, not to ② (vascular invasion or
    # extrahepatic metastasis) nor ③ (tumour-marker rise), which are failure on their own
    scoped = {tuple(c.events): (c.sessions, c.consecutive, c.window_months) for c in records["d001-jsh2014"].criteria
              if c.events}
    assert scoped[("ViableTumourOver50Percent",)] == (2, True, Decimal("3"))
    assert scoped[("NewIntrahepaticLesion",)] == (2, True, Decimal("3"))
    assert scoped[("MacrovascularInvasion", "ExtrahepaticMetastasis")] == (None, None, None)
    assert scoped[("TumourMarkerRise",)] == (None, None, None)
    # EPOIHCC: "6个月内靶病灶经3次及以上TACE治疗后无效": consecutiveness not printed
    epo = _criteria(records["d001-epoihcc"])
    assert (epo["sessions"][0].sessions, epo["sessions"][0].consecutive) == (3, None)
    assert epo["assessment-window"][0].window_months == Decimal("6")
    assert "imaging" not in epo
    # European: no session count or window printed
    eur = _criteria(records["d001-european"])
    assert set(eur) == {"refractory-condition"}
    # CCI 2021 (statement 1) and its English-abstract wording
    for did in ("d001-cci2021", "d001-cci2021-en"):
        cci = _criteria(records[did])
        assert (cci["sessions"][0].sessions, cci["sessions"][0].consecutive) == (3, True), did
        assert cci["assessment-window"][0].window_months == Decimal("3"), did
        assert cci["imaging"][0].imaging == ["ComputedTomography", "MagneticResonanceImaging"], did
        assert cci["response-criteria"][0].response_criteria == "mRECIST", did
        (failure,) = [c for c in records[did].criteria if c.events]
        assert (failure.sessions, failure.consecutive, failure.window_months, failure.response_criteria) == (
            3, True, Decimal("3"), "mRECIST"), did


def test_definitions_failure_events(records: dict) -> None:
    assert _events(records["d001-jsh2014"]) == {
        "ViableTumourOver50Percent", "NewIntrahepaticLesion", "MacrovascularInvasion",
        "ExtrahepaticMetastasis", "TumourMarkerRise"}
    assert _events(records["d001-epoihcc"]) == {"StableDisease", "ProgressiveDisease"}
    assert _events(records["d001-european"]) == {"StableDisease"}  # only under curative intent
    assert _events(records["d001-cci2021"]) == {"ProgressiveDisease"}
    assert _events(records["d001-cci2021-en"]) == {"ProgressiveDisease"}
    definitions = [r for r in records.values() if r.id.startswith("d001-")]
    assert {d.id for d in definitions if "NewIntrahepaticLesion" in _events(d)} == {"d001-jsh2014"}
    assert {d.id for d in definitions if "StableDisease" in _events(d)} == {"d001-epoihcc", "d001-european"}
    assert {d.id for d in definitions if "TumourMarkerRise" in _events(d)} == {"d001-jsh2014"}


def test_statements_linked_to_definitions(records: dict) -> None:
    assert set(records["r001-cs1"].definitions) == {"d001-cci2021", "d001-cci2021-en"}
    for rid in ("r001-cs4", "r001-cs5", "r001-cs6"):
        assert set(records[rid].definitions) == {"d001-cci2021", "d001-jsh2014"}, rid
    assert records["r001-cs7"].definitions == ["d001-cci2021"]
    assert records["r001-ts-refractory"].definitions == ["d001-cci2021"]
    assert records["r001-cs2"].definitions == [] and records["r001-cs9"].definitions == []


def test_survey_counts_denominators_and_clinicians(records: dict) -> None:
    expected = {  # id: (count, denominator) as printed: "74.3%(191/257)", "(n=121,47.1%)"
        "f001-survey-concept-valuable": (191, 257),
        "f001-survey-combination-after-jsh": (88, 191),
        "f001-survey-new-lesions-disagree": (121, None),
        "f001-survey-three-tace-agree": (75, None),
        "f001-survey-continue-tace-pvtt": (242, None),
        "f001-survey-continue-tace-ehm": (253, None),
        "f001-survey-existing-definitions-disagree": (235, 257),
    }
    for fid, (n, total) in expected.items():
        f = records[fid]
        assert (f.count, f.denominator) == (n, total), fid
        population = f.population or records[f.study].population
        assert population.subjects == "clinicians", fid
    assert records["s001-cci-survey2020"].population.subjects == "clinicians"
    assert records["s001-cci-workshop2021"].population.subjects == "clinicians"
    assert records["f001-survey-continue-tace-pvtt"].population.includes == ["PortalVeinTumourThrombus"]
    for fid in ("f001-workshop-definition-agreement", "f001-workshop-consensus-agreement"):
        assert records[fid].statistic == "qualitative" and records[fid].value is None


def test_population_unions(records: dict) -> None:
    bridge = records["f001-bridge-tace-most-used"].population
    assert bridge.any_of == ["BCLCB", "BCLCC"] and bridge.includes == []
    assert records["f001-bridge-tace-most-used"].endpoint == "TreatmentPattern"
    for fid in ("f001-ding2021-efficacy", "f001-zhang2022-subsequent-efficacy"):
        assert records[fid].population.any_of == ["MacrovascularInvasion", "ExtrahepaticMetastasis"], fid
    bg = records["f001-bg-advanced-at-diagnosis"]
    assert (bg.value, bg.value_relation, bg.unit) == (Decimal("80"), ">", "%")


def test_cited_studies_curated_with_stated_direction(records: dict) -> None:
    expected = {  # finding: (reference, direction) as the text states it
        "f001-llovet2002-efficacy": (8, "benefit"), "f001-lo2002-efficacy": (9, "benefit"),
        "f001-jsh2019-definition-low-grade": (19, "not-stated"),
        "f001-chen2021-foreign-definitions-questionable": (20, "not-stated"),
        "f001-yu2017-foreign-definitions-questionable": (21, "not-stated"),
        "f001-zhang2022-concept-foreign-definitions-questionable": (22, "not-stated"),
        "f001-zhang2022-concept-stopping-tace-harm": (22, "harm"),
        "f001-shi2013-tace-palliative-china": (25, "not-stated"),
        "f001-miyayama2021-curative-tace": (26, "benefit"), "f001-miyayama2014-curative-tace": (27, "benefit"),
        "f001-miyayama2009-curative-tace": (28, "benefit"),
        "f001-tactics-new-lesions-not-pd": (15, "not-stated"), "f001-kudo2018-new-lesions-not-pd": (29, "not-stated"),
        "f001-recicl2015-new-lesions-not-pd": (30, "not-stated"),
        "f001-zhang2022-subsequent-efficacy": (32, "benefit"),
        "f001-huang2016-pvtt-control": (33, "benefit"), "f001-zhang2018-pvtt-control": (34, "benefit"),
        "f001-kang2012-marker-rise-risk": (39, "association"),
        "f001-easl2018-markers-not-imaging": (6, "not-stated"), "f001-park2013-markers-not-imaging": (40, "not-stated"),
        "f001-wang2017-marker-rise-benefit": (41, "benefit"),
        "f001-wattanasatesiri2019-marker-rise-benefit": (42, "benefit"),
        "f001-mazzaferro2009-up-to-seven-china": (45, "not-stated"),
        "f001-wang2019-six-and-twelve": (46, "benefit"),
    }
    for fid, (ref, direction) in expected.items():
        f = records[fid]
        assert (f.reference, f.direction, f.statistic) == (ref, direction, "qualitative"), fid
        assert f.value is None and f.p is None, fid
    kang = records["f001-kang2012-marker-rise-risk"]
    assert (kang.factor, kang.analysis, kang.endpoint) == ("TumourMarkerRise", "multivariate",
                                                           "TumourRecurrenceOrProgression")
    assert records["f001-recicl2015-new-lesions-not-pd"].criteria == "RECICL"
    # studies cited only as users of the JSH-LCSGJ 2014 definition [14-18] or for techniques [35-38]
    for sid, ref in (("s001-arizumi2015", 14), ("s001-chen2020", 16), ("s001-ogasawara2014", 17),
                     ("s001-arizumi2017", 18), ("s001-lu2017", 35), ("s001-wang2021", 36),
                     ("s001-luo2016", 37), ("s001-wang2019-helical", 38), ("s001-jsh2021", 13),
                     ("s001-llovet2021", 4)):
        assert records[sid].reference == ref, sid
    assert records["s001-chen2020"].design == ["PropensityMatchedStudy"]
    assert records["s001-jsh2019"].design == ["ClinicalPracticeGuideline"]
    assert records["r001-cs5-main-pvtt"].cites == [35, 36, 37, 38]
    assert records["r001-cs5-main-pvtt"].populations == ["MainPVTT"]
    assert records["r001-cs5-branch-pvtt"].populations == ["PortalVeinBranchTumourThrombus"]


def test_statement9_unsuitability_conditions(records: dict) -> None:
    assert set(records["r001-cs9"].populations) == {
        "TACEUnsuitable", "HepaticArteryOcclusion", "ChildPughC", "SevereJaundice", "HepaticEncephalopathy",
        "RefractoryAscites", "HepatorenalSyndrome", "ECOGPSAbove2", "ArteriovenousShunt"}


def test_between_studies_conflicts(records: dict) -> None:
    expected = {
        "c001-definitions-china": ({"d001-jsh2014", "d001-epoihcc", "d001-european", "d001-cci2021"},
                                   {"IntermediateAdvancedHCC", "HighTumourBurden"}),
        "c001-new-lesions": ({"d001-jsh2014", "d001-cci2021", "r001-cs4", "f001-tactics-efficacy"},
                             {"NewIntrahepaticLesion"}),
        "c001-vi-ehm": ({"d001-jsh2014", "d001-cci2021", "r001-cs5", "f001-ding2021-efficacy",
                         "f001-zhang2022-subsequent-efficacy"}, {"MacrovascularInvasion", "ExtrahepaticMetastasis"}),
        "c001-stable-disease": ({"d001-epoihcc", "d001-european", "d001-cci2021"}, set()),
        "c001-up-to-seven-china": ({"f001-mazzaferro2009-up-to-seven-china", "f001-wang2019-six-and-twelve",
                                    "r001-cs8"}, {"HighTumourBurden", "HBVInfection", "Cirrhosis"}),
    }
    for cid, (members, terms) in expected.items():
        c = records[cid]
        assert c.kind == "between-studies" and c.explanation, cid
        assert set(c.members) == members and set(c.explained_by) == terms, cid
    assert "TumourMarkerRise" in records["c001-tumour-markers"].explained_by
    assert any("6.5~6.7" in q for q in records["c001-up-to-seven-china"].quote)
    assert records["c001-cci-baseline"].kind == "internal" and records["c001-cr-with-vi-ehm"].kind == "internal"


def test_definition_queries_from_graph_structure(store) -> None:  # type: ignore[no-untyped-def]
    prefix = "PREFIX hcc: <https://w3id.org/hcc-kg/ontology/> "
    by_event = prefix + """SELECT DISTINCT ?d WHERE {{ ?d a hcc:RefractorinessDefinition ; ?p ?c .
        ?c hcc:countsEvent hcc:{} }}"""
    base = "https://w3id.org/hcc-kg/id/definition/"

    def ids(query: str) -> set:
        return {row[0].value.removeprefix(base) for row in store.query(query)}

    assert ids(by_event.format("NewIntrahepaticLesion")) == {"d001-jsh2014"}
    assert ids(by_event.format("StableDisease")) == {"d001-epoihcc", "d001-european"}
    three = prefix + "SELECT DISTINCT ?d WHERE { ?d a hcc:RefractorinessDefinition ; ?p ?c . ?c hcc:sessions 3 }"
    assert ids(three) == {"d001-epoihcc", "d001-cci2021", "d001-cci2021-en"}
