"""The shared backend suite: the same checks on every backend (embedded on disk, embedded in memory, a
real Oxigraph SPARQL server on 127.0.0.1), as oaklib's compliance tester runs one suite over its adapters.

Every saved query, run from its real file, is compared with answers written by hand from the source
documents (values, p, DOIs, populations); so are the library's own queries (term index, statistics,
export subsets).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hcc_kg import KnowledgeGraph
from hcc_kg.curation.validate import Dataset
from hcc_kg.query.saved import parse_query_file

QUERIES = Path(__file__).resolve().parent.parent / "queries"

HE2019_DOI = "10.1001/jamaoncol.2019.0250"
ZHENG2022_DOI = "10.1148/radiol.211545"
SILIUS_DOI = "10.1016/S2468-1253(18)30078-5"
IKEDA2016_DOI = "10.1093/annonc/mdw323"
MEI2021_DOI = "10.2147/JHC.S298538"


def answer(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, str]]:
    return kg.select(name, **params).values()


def project(rows: list[dict[str, str]], *columns: str) -> set[tuple[str, ...]]:
    return {tuple(row.get(c, "") for c in columns) for row in rows}


# --- expected answers, one function per saved query ------------------------------------------------

def expect_01(kg: KnowledgeGraph) -> None:
    """Doc 004: He 2019 [12] (13.37 vs 7.13 months, P<0.001; with and without extrahepatic metastasis)
    and Zheng 2022 [15] (NCT03009461, major PVTT, 16.3 vs 6.5 months) - FOLFOX-HAIC + sorafenib."""
    rows = answer(kg, "01_haic_combinations_os_pvi")
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
    assert answer(kg, "01_haic_combinations_os_pvi", population="门静脉浸润") == rows
    assert {r["finding"] for r in answer(kg, "01_haic_combinations_os_pvi", population="MajorPVTT")} == {
        "f004-zheng2022-os"}
    # HAIC + PD-1 in main PVTT did not improve OS (Mei 2021 [30]): not in the answer
    assert answer(kg, "01_haic_combinations_os_pvi", population="MainPVTT") == []


def expect_02(kg: KnowledgeGraph) -> None:
    """Every HAIC finding on OS in doc 004 (the only source with HAIC arms)."""
    rows = answer(kg, "02_evidence_table")
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
    orr = answer(kg, "02_evidence_table", therapy="索拉非尼", endpoint="ORR")
    assert project(orr, "finding", "value", "comparatorValue", "p") >= {("f004-he2019-orr", "40.8", "2.46", "P<0.001")}


def expect_03(kg: KnowledgeGraph) -> None:
    """PD-1 inhibitors with FOLFOX-HAIC: Mei 2021 [30] (nivolumab / pembrolizumab / toripalimab /
    sintilimab), Xu 2021 [31] (toripalimab), Xu 2020 [33] (sintilimab), Xu 2024 [48] (camrelizumab)."""
    rows = answer(kg, "03_inhibitors_with_locoregional")
    assert project(rows, "drug", "doi") == {
        ("PD-1 inhibitor", MEI2021_DOI), ("nivolumab", MEI2021_DOI), ("pembrolizumab", MEI2021_DOI),
        ("toripalimab", MEI2021_DOI), ("sintilimab", MEI2021_DOI),
        ("toripalimab", "10.1177/15330338211063848"), ("sintilimab", "10.1200/jco.2020.38.15_suppl.e16593"),
        ("camrelizumab", "10.3969/j.issn.1006-5725.2024.06.006"),
    }
    # with any HAIC, the donafenib + camrelizumab single-arm study ChiCTR2100051714 [46] joins
    any_haic = answer(kg, "03_inhibitors_with_locoregional", locoregional="HAIC")
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


def expect_04(kg: KnowledgeGraph) -> None:
    """HAIC + sorafenib: He 2019 [12], Ikeda 2016 [13] and Zheng 2022 [15] report benefit; SILIUS [14] none
    (11.8 vs 11.5 months, P=0.955)."""
    rows = answer(kg, "04_conflicting_findings")
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
    pd1 = answer(kg, "04_conflicting_findings", therapyB="PD1Inhibitor")
    assert conflict_pairs(pd1) == {
        ("f004-xu2021-os", "f004-mei2021-os-ehs"), ("f004-xu2021-os", "f004-mei2021-os-main-pvtt"),
        ("f004-xu2024-os", "f004-mei2021-os-ehs"), ("f004-xu2024-os", "f004-mei2021-os-main-pvtt")}
    assert {(r["finding"], r["value"]) for r in pd1 if r["direction"] == "benefit"} == {
        ("f004-xu2021-os", "17.13"), ("f004-xu2024-os", "16.81")}


def expect_12(kg: KnowledgeGraph, dataset) -> None:  # type: ignore[no-untyped-def]
    """Every curated self-contradiction once, with its records; e.g. doc 000's PVTT medians (text 12.6 vs
    4.8, P=0.01; Table 3 8.0 vs 22.0, P=0.001) and doc 002's CNLC IIb / IIIb staging."""
    rows = answer(kg, "12_source_contradictions")
    curated = {c.id: set(c.members) for f in dataset.files for c in f.data.conflicts}
    assert {r["conflict"]: set(r["members"].split(", ")) for r in rows} == curated
    by_id = {r["conflict"]: r for r in rows}
    assert {"f000-os-pvtt-text", "f000-os-pvtt-table3"} == set(by_id["c000-pvtt-os"]["members"].split(", "))
    assert "IIb" in by_id["c002-stage"]["note"] and by_id["c002-stage"]["sourceFile"] == "002_dee160c2392e6517.txt"
    only = answer(kg, "12_source_contradictions", source="src000")
    assert {r["sourceFile"] for r in only} == {"000_a7ac623c546b824a.txt"} and len(only) == 9


def expect_05(kg: KnowledgeGraph) -> None:
    rows = answer(kg, "05_trace_finding")
    assert len(rows) == 1
    row = rows[0]
    assert project(rows, "sourceFile", "referenceNumber", "authors", "journal", "year", "doi", "language") == {
        ("004_b13ee0292349ace4.txt", "12", "He M, Li Q, Zou R, et al.", "JAMA Oncol", "2019", HE2019_DOI, "zh")}
    assert "13.37个月vs.7.13个月，P<0.001" in row["quote"]
    assert row["sourceJournal"] == "中国普通外科杂志"
    traced = answer(kg, "05_trace_finding", finding="f002-hr-mv-oligo")
    assert {(r["sourceDoi"], r["language"]) for r in traced} >= {("10.7659/j.issn.1005-6947.250082", "zh")}
    assert any("2.213" in r["quote"] and "4.816" in r["quote"] for r in traced)


def expect_06(kg: KnowledgeGraph) -> None:
    """CCI consensus (doc 001): statements 2-9 with the grades as printed (statement 1 has none)."""
    rows = answer(kg, "06_consensus_statements")
    graded = {(r["number"], r["evidenceQuality"], r["recommendationStrength"]) for r in rows if r["evidenceQuality"]}
    assert graded == {("2", "IIb", "B"), ("3", "IIb", "B"), ("4", "Ib", "A"), ("5", "IIb", "B"), ("6", "IIb", "B"),
                      ("7", "IIb", "A"), ("8", "IIb", "B"), ("9", "IIb", "A")}
    assert {r["number"] for r in rows} == {str(n) for n in range(1, 10)}
    assert {r["system"] for r in rows if r["evidenceQuality"]} == {"USPSTF"}
    assert "43" in next(r for r in rows if r["number"] == "7")["cites"].split(", ")
    strong = answer(kg, "06_consensus_statements", quality="IIb", strength="A")
    assert {r["number"] for r in strong} == {"7", "9"}


def expect_07(kg: KnowledgeGraph) -> None:
    """Doc 001: JSH-LCSGJ 2014 (2+ sessions, 1-3 months, CT/MRI, >50% viable), EPOIHCC (3+ sessions,
    6 months), European (depends on aim), CCI 2021 (3+ sessions, 1-3 months, mRECIST, PD)."""
    rows = answer(kg, "07_refractoriness_definitions")
    assert {r["definition"] for r in rows} == {"JSH-LCSGJ 2014", "EPOIHCC", "European expert definition",
                                               "CCI 2021", "CCI 2021 (English abstract)"}
    sessions = {r["definitionId"]: r["criterion"] for r in rows if r["aspect"] == "sessions"}
    assert sessions["d001-jsh2014"].startswith("2 or more") and sessions["d001-cci2021"].startswith("3 or more")
    assert sessions["d001-epoihcc"].startswith("3 or more")
    windows = {r["definitionId"]: r["criterion"] for r in rows if r["aspect"] == "assessment-window"}
    assert "1-3 months" in windows["d001-cci2021"] and "6 months" in windows["d001-epoihcc"]
    assert {r["definitionId"] for r in rows if r["responseCriteria"] == "mRECIST"} == {"d001-cci2021", "d001-cci2021-en"}
    only = answer(kg, "07_refractoriness_definitions", aspect="sessions")
    assert {r["aspect"] for r in only} == {"sessions"} and len(only) == 4


def expect_08(kg: KnowledgeGraph) -> None:
    """Randomised evidence in portal vein invasion: He 2019 [12] (OS, ORR 40.8% vs 2.46%, grade 3-4 AEs
    9.68/12.9/6.45%) and Zheng 2022 [15] (NCT03009461)."""
    rows = answer(kg, "08_randomised_evidence", population="门静脉侵犯")
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
    assert answer(kg, "08_randomised_evidence") == rows, "portal vein invasion is the default"
    everything = {r["finding"] for r in answer(kg, "08_randomised_evidence", population="PopulationCriterion")}
    assert {"f004-silius-os", "f004-ikeda2016-os", "f004-li2022-os"} <= everything
    assert not any(f.startswith(("f000-", "f002-yang", "f002-os-")) for f in everything), "no retrospective data"


def expect_09(kg: KnowledgeGraph) -> None:
    """Doc 002 Table 3: univariate and multivariate HRs for OS, as printed."""
    rows = answer(kg, "09_prognostic_factors")
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


def expect_10(kg: KnowledgeGraph, dataset) -> None:  # type: ignore[no-untyped-def]
    """Coverage counts agree with counts made directly from the YAML records."""
    rows = answer(kg, "10_coverage")
    counts = {(r["dimension"], r["term"]): int(r["findings"]) for r in rows}
    findings = [f for file in dataset.files for f in file.data.findings]
    assert counts[("endpoint", "Endpoint")] == len(findings)
    assert counts[("endpoint", "OverallSurvival")] == sum(
        1 for f in findings if f.endpoint == "OverallSurvival")
    assert counts[("therapy", "CARTCellTherapy")] == 0, "a thin spot is reported as 0"
    assert counts[("population", "CNLCIIIb")] > 0 and counts[("population", "PulmonaryMetastasis")] > 0
    only = answer(kg, "10_coverage", dimension="endpoint")
    assert {r["dimension"] for r in only} == {"endpoint"}


def expect_13(kg: KnowledgeGraph) -> None:
    """Plausibility flags, checked by hand against the sources: doc 000's Table 1 prints percentages of
    n/26 that do not round from their counts (Male 21 80.7, Female 5 19.3, ECOG 0 16 61.6, AFP >= 100
    12 38.5, PVTT absence 23 88.4 / presence 3 11.6, metastasis < 2 cm 12 46.1 / >= 2 cm 14 53.9);
    doc 002 reports the local-therapy group's median OS as not reached (未达到) beside 3- and 5-year OS
    of 35.3% and 8.3%, and the oligometastatic local-therapy group's beside 25.0% at 5 years."""
    rows = answer(kg, "13_plausibility_flags")
    by_flag: dict[str, set[str]] = {}
    for row in rows:
        by_flag.setdefault(row["flag"], set()).add(row["record"])
    assert sorted(by_flag.values(), key=sorted) == sorted([
        {"f000-bl-afp-high-n", "f000-bl-afp-high-pct"}, {"f000-bl-ecog0-n", "f000-bl-ecog0-pct"},
        {"f000-bl-female-n", "f000-bl-female-pct"}, {"f000-bl-male-n", "f000-bl-male-pct"},
        {"f000-bl-pm-large-n", "f000-bl-pm-large-pct"}, {"f000-bl-pm-small-n", "f000-bl-pm-small-pct"},
        {"f000-bl-pvtt-absent-n", "f000-bl-pvtt-absent-pct"}, {"f000-bl-pvtt-present-n", "f000-bl-pvtt-present-pct"},
        {"f002-os-median-local", "f002-os-3y", "f002-os-5y"}, {"f002-oligo-os-median-local", "f002-oligo-os-5y"},
    ], key=sorted)
    values = project(rows, "record", "value", "comparatorValue", "timepoint", "p", "expected")
    assert ("f000-bl-male-pct", "80.7", "", "", "", "80.8% (21/26 = 80.769%)") in values
    assert ("f000-bl-afp-high-pct", "38.5", "", "", "", "46.2% (12/26 = 46.154%)") in values
    assert ("f002-os-3y", "35.3", "8.7", "3 years", "P=0.003",
            "a survival rate of at least 50% at every printed timepoint") in values
    assert {r["severity"] for r in rows} == {"warning"}
    assert {r["sourceFile"] for r in rows} == {"000_a7ac623c546b824a.txt", "002_dee160c2392e6517.txt"}
    assert [r["sourceFile"] for r in rows] == sorted(r["sourceFile"] for r in rows)
    assert all(r["flag"].startswith(r["rule"] + "-") for r in rows)
    nr = next(r for r in rows if r["record"] == "f002-oligo-os-median-local")
    assert "not reached" in nr["message"] and "25.0% alive at 5 years" in nr["message"]
    only = answer(kg, "13_plausibility_flags", source="src002", rule="median-not-reached-vs-rate",
                  severity="warning")
    assert {r["record"] for r in only} == {"f002-os-median-local", "f002-os-3y", "f002-os-5y",
                                           "f002-oligo-os-median-local", "f002-oligo-os-5y"}
    assert answer(kg, "13_plausibility_flags", severity="error") == []
    assert {r["record"] for r in answer(kg, "13_plausibility_flags", rule="count-vs-percentage")} == {
        f"f000-bl-{name}-{part}" for name in ("male", "female", "ecog0", "afp-high", "pvtt-absent",
                                                "pvtt-present", "pm-small", "pm-large") for part in ("n", "pct")}


EXPECTED: dict[str, Callable[..., None]] = {
    "01_haic_combinations_os_pvi": expect_01, "02_evidence_table": expect_02,
    "03_inhibitors_with_locoregional": expect_03, "04_conflicting_findings": expect_04,
    "05_trace_finding": expect_05, "06_consensus_statements": expect_06,
    "07_refractoriness_definitions": expect_07, "08_randomised_evidence": expect_08,
    "09_prognostic_factors": expect_09, "10_coverage": expect_10, "12_source_contradictions": expect_12,
    "13_plausibility_flags": expect_13,
}


def test_every_saved_query_has_an_expected_answer() -> None:
    select = {p.stem for p in QUERIES.glob("*.rq") if parse_query_file(p).form == "SELECT"}
    assert select == set(EXPECTED)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in sorted(QUERIES.glob("*.rq"))])
def test_saved_query_answer(path: Path, any_kg: KnowledgeGraph, dataset: Dataset) -> None:
    saved = parse_query_file(path)
    if saved.form == "CONSTRUCT":
        triples = any_kg.construct(saved)
        subjects = {t.subject.value.rsplit("/", 1)[-1] for t in triples
                    if t.predicate.value.endswith("#type") and t.object.value.endswith("/Finding")}
        assert {"f004-he2019-os", "f004-zheng2022-os", "f004-mei2021-os-main-pvtt"} <= subjects
        assert not any(s.startswith("f000-") for s in subjects), "doc 000 has no portal vein invasion population"
        return
    check = EXPECTED[path.stem]
    check(any_kg, dataset) if "dataset" in check.__code__.co_varnames else check(any_kg)




# --- the rest of the contract: term index, library queries, answer types ---------------------------

def test_term_index_is_the_graphs_own(any_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    """Terms come from the built graph's ontology, and every backend reads the same index."""
    terms = any_kg.terms
    assert terms.resolve("门静脉瘤栓", "population") == "PortalVeinTumourThrombus"
    assert terms.resolve("门静脉癌栓", "population") == "PortalVeinInvasion"
    assert terms.resolve("portal vein invasion", "population") == "PortalVeinInvasion"
    assert terms.resolve("OS", "endpoint") == "OverallSurvival"
    assert "PortalVeinInvasion" in terms.ancestors("MajorPVTT")
    assert terms.in_branch("Lenvatinib", "therapy") and not terms.in_branch("Lenvatinib", "population")
    assert not any("/.well-known/" in t for t in terms.terms), "no skolemised class expressions"
    assert {k: (v.labels, v.synonyms, v.parents) for k, v in terms.terms.items()} == {
        k: (v.labels, v.synonyms, v.parents) for k, v in kg.terms.terms.items()}


def test_source_statistics(any_kg: KnowledgeGraph) -> None:
    """Per document: studies, findings, findings with a DOI, recommendations, definitions, conflicts."""
    rows = {(s.file, s.studies, s.findings, s.findings_with_doi, s.recommendations, s.definitions, s.conflicts)
            for s in any_kg.stats()}
    assert rows == {
        ("000_a7ac623c546b824a.txt", 2, 106, 0, 0, 0, 9),
        ("001_e3fe8ab5a02a181e.txt", 9, 16, 0, 17, 5, 2),
        ("002_dee160c2392e6517.txt", 9, 128, 15, 0, 0, 8),
        ("004_b13ee0292349ace4.txt", 21, 62, 62, 5, 0, 1),
    }


def test_subset_findings(any_kg: KnowledgeGraph) -> None:
    """The export subset query: HAIC-containing regimens with PD-1 in main PVTT, by id and by Chinese label."""
    from hcc_kg.export.selection import Selection

    def ids(**filters: str) -> set[str]:
        return {f.rsplit("/", 1)[-1] for f in any_kg.subset_findings(Selection(**filters))}

    pvi_os = ids(population="门静脉浸润", endpoint="OS")
    assert {"f004-he2019-os", "f004-zheng2022-os", "f004-mei2021-os-main-pvtt"} <= pvi_os
    assert not any(f.startswith("f000-") for f in pvi_os)
    assert ids(population="MainPVTT", therapy="PD1Inhibitor", endpoint="OverallSurvival") == {
        "f004-mei2021-os-main-pvtt"}
    assert ids(source="src004") == {f for f in ids() if f.startswith("f004-")}
    assert ids(source="src001") == {f for f in ids() if f.startswith("f001-")}


def test_answer_types(any_kg: KnowledgeGraph, tmp_path: Path) -> None:
    """SELECT gives Rows, CONSTRUCT gives Triples, ASK gives a Boolean; asking for the wrong form is an error."""
    from hcc_kg.errors import QueryError
    from hcc_kg.query.results import Boolean, Rows, Triples

    ask = tmp_path / "he2019.rq"
    ask.write_text("PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n"
                   "ASK { <https://w3id.org/hcc-kg/id/finding/f004-he2019-os> hcc:value 13.37 }\n")
    answer = any_kg.query(str(ask))
    assert isinstance(answer, Boolean) and answer.value is True
    rows = any_kg.query("01_haic_combinations_os_pvi", population="MajorPVTT")
    assert isinstance(rows, Rows) and rows.column("finding") == ["f004-zheng2022-os"]
    triples = any_kg.query("11_construct_findings_for_population", population="MainPVTT")
    assert isinstance(triples, Triples)
    assert "<https://w3id.org/hcc-kg/id/finding/f004-mei2021-os-main-pvtt> " \
           "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/hcc-kg/ontology/Finding>" \
           in triples.ntriples()
    with pytest.raises(QueryError, match="is a SELECT query"):
        any_kg.construct("01_haic_combinations_os_pvi")


def test_catalog_lists_the_saved_questions(any_kg: KnowledgeGraph) -> None:
    catalog = {q.name: q for q in any_kg.catalog()}
    flagship = catalog["01_haic_combinations_os_pvi"]
    assert flagship.summary == "Which HAIC combinations improved OS in portal vein invasion?"
    assert [(p.name, p.branch, p.default) for p in flagship.params] == [
        ("population", "population", "PortalVeinInvasion"), ("endpoint", "endpoint", "OverallSurvival")]
    assert "flagship" in flagship.tags
    assert not any(name in catalog for name in ("source_stats", "arm_not_in_study")), \
        "library and check queries are not reviewer questions"


def test_findings_read_back_with_every_detail(any_kg: KnowledgeGraph) -> None:
    """The typed finding records views and exports use: He 2019 and the oligometastasis HR, from the graph."""
    from decimal import Decimal

    he, oligo = any_kg.findings(["f004-he2019-os", "https://w3id.org/hcc-kg/id/finding/f002-hr-mv-oligo"])
    assert (he.value, he.comparator_value, he.unit, he.p_text, he.direction) == (
        Decimal("13.37"), Decimal("7.13"), "months", "P<0.001", "benefit")
    assert he.arm is not None and he.arm.regimen == "FOLFOX-HAIC + sorafenib"
    assert he.comparator is not None and he.comparator.regimen_zh == "索拉非尼"
    assert he.reference is not None and (he.reference.number, he.reference.doi, he.reference.year) == (
        12, "10.1001/jamaoncol.2019.0250", 2019)
    assert he.designs == (("MultiCentreStudy", "multicentre study"),
                          ("RandomisedControlledTrial", "randomised controlled trial"))
    assert he.quotes == (("相较于索拉非尼，FOLFOX-HAIC联合索拉非尼能显著改善伴门静脉浸润HCC患者的中位OS"
                          "（13.37个月vs.7.13个月，P<0.001）", "zh"),)
    assert (oligo.estimate, oligo.ci_low, oligo.ci_high, oligo.analysis, oligo.factor) == (
        Decimal("2.213"), Decimal("1.017"), Decimal("4.816"), "multivariate", "Oligometastasis")
    assert oligo.is_ratio and not he.is_ratio and oligo.study_size == 76
    assert any_kg.findings(["no-such-finding"]) == []
