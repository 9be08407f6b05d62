"""Every saved query, run from its real file against the built graph, compared with answers written by
hand from the source documents (values, p, DOIs, populations). Also: headers, parameters, hostile input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hcc_kg.config import Paths
from hcc_kg.errors import QueryError
from hcc_kg.queries import Results, bind_term, catalog, check_queries, find_query, parse_query_file, run
from hcc_kg.terms import TermIndex

QUERIES = Path(__file__).resolve().parent.parent / "queries"

HE2019_DOI = "10.1001/jamaoncol.2019.0250"
ZHENG2022_DOI = "10.1148/radiol.211545"
SILIUS_DOI = "10.1016/S2468-1253(18)30078-5"
IKEDA2016_DOI = "10.1093/annonc/mdw323"
MEI2021_DOI = "10.2147/JHC.S298538"


def answer(paths: Paths, name: str, **params: str) -> list[dict[str, str]]:
    result = run(find_query(paths.queries_dir, name), params, build_dir=paths.build_dir, ontology=paths.ontology)
    assert isinstance(result, Results)
    return result.values()


def project(rows: list[dict[str, str]], *columns: str) -> set[tuple[str, ...]]:
    return {tuple(row.get(c, "") for c in columns) for row in rows}


# --- expected answers, one function per saved query ------------------------------------------------

def expect_01(paths: Paths) -> None:
    """Doc 004: He 2019 [12] (13.37 vs 7.13 months, P<0.001; with and without extrahepatic metastasis)
    and Zheng 2022 [15] (NCT03009461, major PVTT, 16.3 vs 6.5 months) - FOLFOX-HAIC + sorafenib."""
    rows = answer(paths, "01_haic_combinations_os_pvi")
    assert project(rows, "finding", "regimen", "comparator", "value", "comparatorValue", "p", "doi") == {
        ("f004-he2019-os", "FOLFOX-HAIC + sorafenib", "sorafenib", "13.37", "7.13", "P<0.001", HE2019_DOI),
        ("f004-he2019-os-with-ehs", "FOLFOX-HAIC + sorafenib", "sorafenib", "", "", "", HE2019_DOI),
        ("f004-he2019-os-without-ehs", "FOLFOX-HAIC + sorafenib", "sorafenib", "", "", "", HE2019_DOI),
        ("f004-zheng2022-os", "FOLFOX-HAIC + sorafenib", "sorafenib", "16.3", "6.5", "", ZHENG2022_DOI),
    }
    zheng = next(r for r in rows if r["finding"] == "f004-zheng2022-os")
    assert zheng["populationLabel"] == "major portal vein tumour thrombus"
    assert zheng["design"] == "randomised phase II trial"
    assert all(r["unit"] == "months" for r in rows if r.get("value"))
    # the Chinese name of the population gives the same answer; a narrower one only the narrower record
    assert answer(paths, "01_haic_combinations_os_pvi", population="门静脉浸润") == rows
    assert {r["finding"] for r in answer(paths, "01_haic_combinations_os_pvi", population="MajorPVTT")} == {
        "f004-zheng2022-os"}
    # HAIC + PD-1 in main PVTT did not improve OS (Mei 2021 [30]): not in the answer
    assert answer(paths, "01_haic_combinations_os_pvi", population="MainPVTT") == []


def expect_02(paths: Paths) -> None:
    """Every HAIC finding on OS in doc 004 (the only source with HAIC arms)."""
    rows = answer(paths, "02_evidence_table")
    assert {r["finding"] for r in rows} == {
        "f004-cao2024-os", "f004-he2019-os", "f004-he2019-os-with-ehs", "f004-he2019-os-without-ehs",
        "f004-ikeda2016-os", "f004-li2022-os", "f004-long2023-os-1y", "f004-long2023-os-2y",
        "f004-long2023-os-3y", "f004-mei2021-os", "f004-mei2021-os-ehs", "f004-mei2021-os-main-pvtt",
        "f004-silius-os", "f004-xu2021-os", "f004-xu2024-os", "f004-yu2024-os", "f004-zhang2023-os-converted",
        "f004-zheng2022-os"}
    by_id = {r["finding"]: r for r in rows}
    assert project([by_id["f004-ikeda2016-os"]], "value", "comparatorValue", "p", "direction", "doi") == {
        ("10.6", "8.7", "P=0.031", "benefit", IKEDA2016_DOI)}
    assert project([by_id["f004-silius-os"]], "value", "comparatorValue", "p", "direction", "doi") == {
        ("11.8", "11.5", "P=0.955", "no-difference", SILIUS_DOI)}
    assert project([by_id["f004-li2022-os"]], "value", "comparatorValue", "p", "comparator") == {
        ("23.1", "16.1", "P<0.001", "transarterial chemoembolization")}
    assert project([by_id["f004-long2023-os-1y"]], "timepoint", "value", "comparatorValue", "unit", "direction") == {
        ("1 year", "63.6", "47.2", "%", "not-stated")}
    assert project([by_id["f004-cao2024-os"]], "value", "comparatorValue", "p") == {("31.6", "14.6", "P<0.001")}
    assert by_id["f004-mei2021-os-main-pvtt"]["direction"] == "no-difference"
    # another therapy class and endpoint: sorafenib-containing regimens on ORR (He 2019: 40.8% vs 2.46%)
    orr = answer(paths, "02_evidence_table", therapy="索拉非尼", endpoint="ORR")
    assert project(orr, "finding", "value", "comparatorValue", "p") >= {("f004-he2019-orr", "40.8", "2.46", "P<0.001")}


def expect_03(paths: Paths) -> None:
    """PD-1 inhibitors with FOLFOX-HAIC: Mei 2021 [30] (nivolumab / pembrolizumab / toripalimab /
    sintilimab), Xu 2021 [31] (toripalimab), Xu 2020 [33] (sintilimab), Xu 2024 [48] (camrelizumab)."""
    rows = answer(paths, "03_inhibitors_with_locoregional")
    assert project(rows, "drug", "doi") == {
        ("PD-1 inhibitor", MEI2021_DOI), ("nivolumab", MEI2021_DOI), ("pembrolizumab", MEI2021_DOI),
        ("toripalimab", MEI2021_DOI), ("sintilimab", MEI2021_DOI),
        ("toripalimab", "10.1177/15330338211063848"), ("sintilimab", "10.1200/jco.2020.38.15_suppl.e16593"),
        ("camrelizumab", "10.3969/j.issn.1006-5725.2024.06.006"),
    }
    # with any HAIC, the donafenib + camrelizumab single-arm study ChiCTR2100051714 [46] joins
    any_haic = answer(paths, "03_inhibitors_with_locoregional", locoregional="HAIC")
    assert ("camrelizumab", "ChiCTR2100051714", "10.1200/jco.2023.41.16_suppl.e16134") in project(
        any_haic, "drug", "trial", "doi")


def conflict_pairs(rows: list[dict[str, str]]) -> set[tuple[str, str]]:
    """(benefit finding, opposing finding) pairs: rows on one endpoint with the other verdict and another
    study; each row's count of opposing findings must agree with them."""
    pairs = {(a["finding"], b["finding"]) for a in rows for b in rows
             if a["endpoint"] == b["endpoint"] and a["verdict"] == "for" and b["verdict"] == "against"
             and a["study"] != b["study"]}
    for row in rows:
        side = 0 if row["verdict"] == "for" else 1
        assert int(row["opposing"]) == sum(1 for pair in pairs if pair[side] == row["finding"]), row["finding"]
    return pairs


def expect_04(paths: Paths) -> None:
    """HAIC + sorafenib: He 2019 [12], Ikeda 2016 [13] and Zheng 2022 [15] report benefit; SILIUS [14] none
    (11.8 vs 11.5 months, P=0.955)."""
    rows = answer(paths, "04_conflicting_findings")
    assert conflict_pairs(rows) == {
        ("f004-he2019-os", "f004-silius-os"), ("f004-he2019-os-with-ehs", "f004-silius-os"),
        ("f004-he2019-os-without-ehs", "f004-silius-os"), ("f004-ikeda2016-os", "f004-silius-os"),
        ("f004-zheng2022-os", "f004-silius-os")}
    by_id = {r["finding"]: r for r in rows}
    assert (by_id["f004-he2019-os"]["p"], by_id["f004-silius-os"]["p"], by_id["f004-silius-os"]["value"]) == (
        "P<0.001", "P=0.955", "11.8")
    assert (by_id["f004-silius-os"]["direction"], by_id["f004-silius-os"]["opposing"]) == ("no-difference", "5")
    assert {r["verdict"] for r in rows if r["direction"] == "benefit"} == {"for"}
    assert {r["endpoint"] for r in rows} == {"overall survival"}
    # HAIC + PD-1: Mei 2021 [30] found no OS benefit in main PVTT or extrahepatic spread, while Xu 2021 [31]
    # (toripalimab, "却提出不同的见解") and Xu 2024 [48] (camrelizumab + lenvatinib) report benefit.
    # Mei's own overall benefit is the same study, so it does not pair with its subgroups.
    pd1 = answer(paths, "04_conflicting_findings", therapyB="PD1Inhibitor")
    assert conflict_pairs(pd1) == {
        ("f004-xu2021-os", "f004-mei2021-os-ehs"), ("f004-xu2021-os", "f004-mei2021-os-main-pvtt"),
        ("f004-xu2024-os", "f004-mei2021-os-ehs"), ("f004-xu2024-os", "f004-mei2021-os-main-pvtt")}
    assert {(r["finding"], r["value"]) for r in pd1 if r["direction"] == "benefit"} == {
        ("f004-xu2021-os", "17.13"), ("f004-xu2024-os", "16.81")}


def expect_12(paths: Paths, dataset) -> None:  # type: ignore[no-untyped-def]
    """Every curated self-contradiction once, with its records; e.g. doc 000's PVTT medians (text 12.6 vs
    4.8, P=0.01; Table 3 8.0 vs 22.0, P=0.001) and doc 002's CNLC IIb / IIIb staging."""
    rows = answer(paths, "12_source_contradictions")
    curated = {c.id: set(c.members) for f in dataset.files for c in f.data.conflicts}
    assert {r["conflict"]: set(r["members"].split(", ")) for r in rows} == curated
    by_id = {r["conflict"]: r for r in rows}
    assert {"f000-os-pvtt-text", "f000-os-pvtt-table3"} == set(by_id["c000-pvtt-os"]["members"].split(", "))
    assert "IIb" in by_id["c002-stage"]["note"] and by_id["c002-stage"]["sourceFile"] == "002_dee160c2392e6517.txt"
    only = answer(paths, "12_source_contradictions", source="src000")
    assert {r["sourceFile"] for r in only} == {"000_a7ac623c546b824a.txt"} and len(only) == 9


def expect_05(paths: Paths) -> None:
    rows = answer(paths, "05_trace_finding")
    assert len(rows) == 1
    row = rows[0]
    assert project(rows, "sourceFile", "referenceNumber", "authors", "journal", "year", "doi", "language") == {
        ("004_b13ee0292349ace4.txt", "12", "He M, Li Q, Zou R, et al.", "JAMA Oncol", "2019", HE2019_DOI, "zh")}
    assert "13.37个月vs.7.13个月，P<0.001" in row["quote"]
    assert row["sourceJournal"] == "中国普通外科杂志"
    traced = answer(paths, "05_trace_finding", finding="f002-hr-mv-oligo")
    assert {(r["sourceDoi"], r["language"]) for r in traced} >= {("10.7659/j.issn.1005-6947.250082", "zh")}
    assert any("2.213" in r["quote"] and "4.816" in r["quote"] for r in traced)


def expect_06(paths: Paths) -> None:
    """CCI consensus (doc 001): statements 2-9 with the grades as printed (statement 1 has none)."""
    rows = answer(paths, "06_consensus_statements")
    graded = {(r["number"], r["evidenceQuality"], r["recommendationStrength"]) for r in rows if r["evidenceQuality"]}
    assert graded == {("2", "IIb", "B"), ("3", "IIb", "B"), ("4", "Ib", "A"), ("5", "IIb", "B"), ("6", "IIb", "B"),
                      ("7", "IIb", "A"), ("8", "IIb", "B"), ("9", "IIb", "A")}
    assert {r["number"] for r in rows} == {str(n) for n in range(1, 10)}
    assert {r["system"] for r in rows if r["evidenceQuality"]} == {"USPSTF"}
    assert "43" in next(r for r in rows if r["number"] == "7")["cites"].split(", ")
    strong = answer(paths, "06_consensus_statements", quality="IIb", strength="A")
    assert {r["number"] for r in strong} == {"7", "9"}


def expect_07(paths: Paths) -> None:
    """Doc 001: JSH-LCSGJ 2014 (2+ sessions, 1-3 months, CT/MRI, >50% viable), EPOIHCC (3+ sessions,
    6 months), European (depends on aim), CCI 2021 (3+ sessions, 1-3 months, mRECIST, PD)."""
    rows = answer(paths, "07_refractoriness_definitions")
    assert {r["definition"] for r in rows} == {"JSH-LCSGJ 2014", "EPOIHCC", "European expert definition",
                                               "CCI 2021", "CCI 2021 (English abstract)"}
    sessions = {r["definitionId"]: r["criterion"] for r in rows if r["aspect"] == "sessions"}
    assert sessions["d001-jsh2014"].startswith("2 or more") and sessions["d001-cci2021"].startswith("3 or more")
    assert sessions["d001-epoihcc"].startswith("3 or more")
    windows = {r["definitionId"]: r["criterion"] for r in rows if r["aspect"] == "assessment-window"}
    assert "1-3 months" in windows["d001-cci2021"] and "6 months" in windows["d001-epoihcc"]
    assert {r["definitionId"] for r in rows if r["responseCriteria"] == "mRECIST"} == {"d001-cci2021", "d001-cci2021-en"}
    only = answer(paths, "07_refractoriness_definitions", aspect="sessions")
    assert {r["aspect"] for r in only} == {"sessions"} and len(only) == 4


def expect_08(paths: Paths) -> None:
    """Randomised evidence in portal vein invasion: He 2019 [12] (OS, ORR 40.8% vs 2.46%, grade 3-4 AEs
    9.68/12.9/6.45%) and Zheng 2022 [15] (NCT03009461)."""
    rows = answer(paths, "08_randomised_evidence", population="门静脉侵犯")
    assert project(rows, "finding", "value", "comparatorValue", "p", "direction") == {
        ("f004-he2019-os", "13.37", "7.13", "P<0.001", "benefit"),
        ("f004-he2019-os-with-ehs", "", "", "", "benefit"),
        ("f004-he2019-os-without-ehs", "", "", "", "benefit"),
        ("f004-he2019-orr", "40.8", "2.46", "P<0.001", "benefit"),
        ("f004-he2019-intrahepatic-cr", "11.2", "", "", "not-stated"),
        ("f004-he2019-ae-neutropenia", "9.68", "2.48", "", "harm"),
        ("f004-he2019-ae-thrombocytopenia", "12.9", "4.96", "", "harm"),
        ("f004-he2019-ae-vomiting", "6.45", "0.83", "", "harm"),
        ("f004-zheng2022-os", "16.3", "6.5", "", "benefit"),
    }
    assert {r["trial"] for r in rows if r["finding"] == "f004-zheng2022-os"} == {"NCT03009461"}
    assert answer(paths, "08_randomised_evidence") == rows, "portal vein invasion is the default"
    everything = {r["finding"] for r in answer(paths, "08_randomised_evidence", population="PopulationCriterion")}
    assert {"f004-silius-os", "f004-ikeda2016-os", "f004-li2022-os"} <= everything
    assert not any(f.startswith(("f000-", "f002-yang", "f002-os-")) for f in everything), "no retrospective data"


def expect_09(paths: Paths) -> None:
    """Doc 002 Table 3: univariate and multivariate HRs for OS, as printed."""
    rows = answer(paths, "09_prognostic_factors")
    table = project(rows, "finding", "analysis", "hr", "ciLow", "ciHigh", "p")
    assert {
        ("f002-hr-mv-oligo", "multivariate", "2.213", "1.017", "4.816", "P=0.045"),
        ("f002-hr-uni-oligo", "univariate", "2.868", "1.373", "5.989", "P=0.005"),
        ("f002-hr-uni-local", "univariate", "2.817", "1.355", "5.856", "P=0.006"),
        ("f002-hr-mv-local", "multivariate", "1.412", "0.577", "3.453", "P=0.450"),
        ("f002-hr-mv-ecog", "multivariate", "2.423", "0.942", "6.231", "P=0.066"),
        ("f002-hr-uni-sex", "univariate", "1.375", "0.528", "3.583", "P=0.515"),
        ("f002-hr-uni-ehdiameter", "univariate", "0.779", "0.36", "1.685", "P=0.526"),
    } <= table
    assert sum(1 for r in rows if r["analysis"] == "multivariate") == 5
    assert sum(1 for r in rows if r["source"] == "002_dee160c2392e6517.txt" and r["analysis"] == "univariate") >= 12


def expect_10(paths: Paths, dataset) -> None:  # type: ignore[no-untyped-def]
    """Coverage counts agree with counts made directly from the YAML records."""
    rows = answer(paths, "10_coverage")
    counts = {(r["dimension"], r["term"]): int(r["findings"]) for r in rows}
    findings = [f for file in dataset.files for f in file.data.findings]
    assert counts[("endpoint", "Endpoint")] == len(findings)
    assert counts[("endpoint", "OverallSurvival")] == sum(
        1 for f in findings if f.endpoint == "OverallSurvival")
    assert counts[("therapy", "CARTCellTherapy")] == 0, "a thin spot is reported as 0"
    assert counts[("population", "CNLCIIIb")] > 0 and counts[("population", "PulmonaryMetastasis")] > 0
    only = answer(paths, "10_coverage", dimension="endpoint")
    assert {r["dimension"] for r in only} == {"endpoint"}


EXPECTED: dict[str, Callable[..., None]] = {
    "01_haic_combinations_os_pvi": expect_01, "02_evidence_table": expect_02,
    "03_inhibitors_with_locoregional": expect_03, "04_conflicting_findings": expect_04,
    "05_trace_finding": expect_05, "06_consensus_statements": expect_06,
    "07_refractoriness_definitions": expect_07, "08_randomised_evidence": expect_08,
    "09_prognostic_factors": expect_09, "10_coverage": expect_10, "12_source_contradictions": expect_12,
}


def test_every_saved_query_has_an_expected_answer() -> None:
    select = {p.stem for p in QUERIES.glob("*.rq") if parse_query_file(p).form == "SELECT"}
    assert select == set(EXPECTED)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in sorted(QUERIES.glob("*.rq"))])
def test_saved_query_answer(path: Path, built, dataset) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    saved = parse_query_file(path)
    if saved.form == "CONSTRUCT":
        triples = run(saved, {}, build_dir=paths.build_dir, ontology=paths.ontology)
        subjects = {t.subject.value.rsplit("/", 1)[-1] for t in triples
                    if t.predicate.value.endswith("#type") and t.object.value.endswith("/Finding")}
        assert {"f004-he2019-os", "f004-zheng2022-os", "f004-mei2021-os-main-pvtt"} <= subjects
        assert not any(s.startswith("f000-") for s in subjects), "doc 000 has no portal vein invasion population"
        return
    check = EXPECTED[path.stem]
    check(paths, dataset) if "dataset" in check.__code__.co_varnames else check(paths)


def test_catalog_headers_parse_and_queries_are_valid(repo_paths: Paths) -> None:
    assert check_queries(repo_paths.queries_dir, TermIndex.from_ontology(repo_paths.ontology)) == []
    names = [q.name for q in catalog(repo_paths.queries_dir)]
    assert names[0] == "01_haic_combinations_os_pvi" and len(names) == 12


@pytest.mark.parametrize("header,message", [
    ("#+ summary: [unclosed\n", "malformed"),
    ("#+ summary: s\n#+ description: d\n#+ colour: red\n", "unknown header key"),
    ("#+ description: d\n", "summary"),
    ("#+ summary: s\n#+ description: d\n#+ params:\n#+   - name: x\n#+     type: colour\n#+     description: d\n",
     "type 'colour'"),
    ("#+ summary: s\n#+ description: d\n#+ params:\n#+   - name: nope\n#+     type: string\n#+     description: d\n",
     "not used"),
    ("#+ summary: s\n#+ description: d\n#+ params:\n#+   - name: t\n#+     type: term\n#+     description: d\n",
     "branch"),
])
def test_malformed_header_is_an_error_naming_the_file(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(header + "SELECT ?t WHERE { ?s ?p ?t }\n")
    with pytest.raises(QueryError, match=message) as info:
        parse_query_file(path)
    assert str(path) in str(info.value)


def test_query_that_does_not_parse_fails_validation(tmp_path: Path, repo_paths: Paths) -> None:
    (tmp_path / "broken.rq").write_text("#+ summary: s\n#+ description: d\nSELECT ?x WHERE { ?x ?y }\n")
    issues = check_queries(tmp_path, TermIndex.from_ontology(repo_paths.ontology))
    assert len(issues) == 1 and "broken.rq" in issues[0].file and "does not parse" in issues[0].message


HOSTILE = ['" } UNION { ?s ?p ?o } #', "PortalVeinInvasion> } UNION { ?s ?p ?o", "x\nSELECT * WHERE { ?s ?p ?o }",
           "# comment", "<http://example.org/a b>", "'; DROP GRAPH <x>; '", "门静脉" * 40_000]


@pytest.mark.parametrize("value", HOSTILE, ids=["quote-union", "iri-break", "newline", "hash", "iri-space",
                                                 "sql-ish", "100k"])
def test_hostile_term_parameter_is_rejected(built, value: str) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    with pytest.raises(QueryError):
        answer(paths, "01_haic_combinations_os_pvi", population=value)


@pytest.mark.parametrize("value", HOSTILE[:6], ids=["quote-union", "iri-break", "newline", "hash", "iri-space",
                                                     "sql-ish"])
def test_hostile_string_parameter_cannot_change_the_query(built, value: str) -> None:  # type: ignore[no-untyped-def]
    """A string parameter is bound as one literal: the answer is the (empty) answer for that literal."""
    paths, _ = built
    assert answer(paths, "06_consensus_statements", quality=value) == []
    assert len(answer(paths, "06_consensus_statements")) == 9


def test_hostile_record_and_iri_values(repo_paths: Paths) -> None:
    from hcc_kg.queries import Param

    with pytest.raises(QueryError, match="not a record id"):
        bind_term(Param("finding", "record", "d", kind="finding"), "f004> } UNION {", None)
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_term(Param("x", "iri", "d"), "http://example.org/a b", None)
    with pytest.raises(QueryError, match="not an integer"):
        bind_term(Param("n", "integer", "d"), "1 } UNION {", None)
    literal = bind_term(Param("s", "string", "d"), 'a"b\nc', None)
    assert str(literal) == '"a\\"b\\nc"'


def test_unknown_parameter_value_suggests_terms(built) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    with pytest.raises(QueryError, match=r"did you mean .*PortalVein"):
        answer(paths, "01_haic_combinations_os_pvi", population="portal vein invasoin")
    with pytest.raises(QueryError, match="unknown parameter"):
        answer(paths, "01_haic_combinations_os_pvi", colour="red")


def test_ad_hoc_query_file_runs_the_same_way(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    path = tmp_path / "adhoc.rq"
    path.write_text('PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n'
                    'SELECT ?v WHERE { <https://w3id.org/hcc-kg/id/finding/f002-hr-mv-oligo> hcc:hazardRatio ?v }\n')
    assert answer(paths, str(path)) == [{"v": "2.213"}]


def test_values_block_goes_into_the_outer_where(repo_paths: Paths) -> None:
    from hcc_kg.queries import bound_text

    saved = find_query(repo_paths.queries_dir, "01_haic_combinations_os_pvi")
    text = bound_text(saved, {"population": "MainPVTT"}, TermIndex.from_ontology(repo_paths.ontology))
    assert re.search(r"WHERE \{\n  VALUES \(\?population \?endpoint\) \{ \(<[^>]+/MainPVTT> <[^>]+/OverallSurvival>\) \}",
                     text)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in sorted(QUERIES.glob("*.rq"))])
def test_sparqlwrapper_reads_the_query_form(path: Path) -> None:
    """SPARQLWrapper picks GET/POST parameters from the first keyword it finds, comments included: a
    comment saying "added" once made it send 10_coverage to a server as an ADD update."""
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper("http://127.0.0.1/query")
    client.setQuery(path.read_text(encoding="utf-8"))
    assert client.queryType == parse_query_file(path).form


def test_parameters_are_bound_inside_sub_selects(built) -> None:  # type: ignore[no-untyped-def]
    """A sub-select does not see the outer group's bindings, so each WHERE group gets the VALUES block:
    04 with therapyB=PD1Inhibitor must not fall back to counting every regimen (as if unbound)."""
    from hcc_kg.queries import bound_text

    paths, _ = built
    saved = find_query(paths.queries_dir, "04_conflicting_findings")
    text = bound_text(saved, {"therapyB": "PD1Inhibitor"}, TermIndex.from_ontology(paths.ontology))
    assert text.count("VALUES (?therapyA ?therapyB)") == text.count("WHERE {") == 4
    rows = run(saved, {"therapyB": "PD1Inhibitor"}, build_dir=paths.build_dir, ontology=paths.ontology)
    assert {r["finding"] for r in rows.values()} == {  # type: ignore[union-attr]
        "f004-xu2021-os", "f004-xu2024-os", "f004-mei2021-os-ehs", "f004-mei2021-os-main-pvtt"}


def test_in_memory_store_gives_the_same_answers(built) -> None:  # type: ignore[no-untyped-def]
    from hcc_kg.queries import bound_text, run_embedded
    from hcc_kg.store import open_store

    paths, _ = built
    terms = TermIndex.from_ontology(paths.ontology)
    disk, memory = open_store(paths.build_dir), open_store(paths.build_dir, in_memory=True)
    for saved in catalog(paths.queries_dir):
        if saved.form != "SELECT":
            continue
        text = bound_text(saved, {}, terms)
        answers = [run_embedded(store, text).values() for store in (disk, memory)]  # type: ignore[union-attr]
        # GROUP_CONCAT lists carry no order, so compare them as sets
        disk_rows, memory_rows = ([sorted((k, ", ".join(sorted(v.split(", ")))) for k, v in row.items())
                                   for row in rows] for rows in answers)
        assert disk_rows and sorted(memory_rows) == sorted(disk_rows), saved.name
