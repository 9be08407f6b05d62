"""Saved queries as data: headers, parameters, binding, hostile input. (Their expected answers are in
the shared backend suite, test_backends.py, which runs them on every backend.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hcc_kg import KnowledgeGraph
from hcc_kg.config import Paths
from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.saved import bind_term, catalog, check_queries, find_query, parse_query_file
from hcc_kg.terms import TermIndex

QUERIES = Path(__file__).resolve().parent.parent / "queries"



def answer(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, str]]:
    return kg.select(name, **params).values()


def test_catalog_headers_parse_and_queries_are_valid(repo_paths: Paths) -> None:
    assert check_queries(repo_paths.queries_dir, TermIndex.from_ontology(repo_paths.ontology)) == []
    names = [q.name for q in catalog(repo_paths.queries_dir)]
    assert names[0] == "01_haic_combinations_os_pvi" and len(names) == 13


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
def test_hostile_term_parameter_is_rejected(kg: KnowledgeGraph, value: str) -> None:
    with pytest.raises(QueryError):
        answer(kg, "01_haic_combinations_os_pvi", population=value)


@pytest.mark.parametrize("value", HOSTILE[:6], ids=["quote-union", "iri-break", "newline", "hash", "iri-space",
                                                     "sql-ish"])
def test_hostile_string_parameter_cannot_change_the_query(kg: KnowledgeGraph, value: str) -> None:
    """A string parameter is bound as one literal: the answer is the (empty) answer for that literal."""
    assert answer(kg, "06_consensus_statements", quality=value) == []
    assert len(answer(kg, "06_consensus_statements")) == 9


def test_hostile_record_and_iri_values(repo_paths: Paths) -> None:
    from hcc_kg.query.saved import Param

    with pytest.raises(QueryError, match="not a record id"):
        bind_term(Param("finding", "record", "d", kind="finding"), "f004> } UNION {", None)
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_term(Param("x", "iri", "d"), "http://example.org/a b", None)
    with pytest.raises(QueryError, match="not an integer"):
        bind_term(Param("n", "integer", "d"), "1 } UNION {", None)
    literal = bind_term(Param("s", "string", "d"), 'a"b\nc', None)
    assert str(literal) == '"a\\"b\\nc"'


def test_unknown_parameter_value_suggests_terms(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"did you mean .*PortalVein"):
        answer(kg, "01_haic_combinations_os_pvi", population="portal vein invasoin")
    with pytest.raises(QueryError, match="unknown parameter"):
        answer(kg, "01_haic_combinations_os_pvi", colour="red")


def test_ad_hoc_query_file_runs_the_same_way(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "adhoc.rq"
    path.write_text('PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n'
                    'SELECT ?v WHERE { <https://w3id.org/hcc-kg/id/finding/f002-hr-mv-oligo> hcc:hazardRatio ?v }\n')
    assert answer(kg, str(path)) == [{"v": "2.213"}]


def test_values_block_goes_into_the_outer_where(repo_paths: Paths) -> None:
    from hcc_kg.query.saved import bound_text

    saved = find_query(repo_paths.queries_dir, "01_haic_combinations_os_pvi")
    text = bound_text(saved, {"population": "MainPVTT"}, TermIndex.from_ontology(repo_paths.ontology))
    assert re.search(r"WHERE \{\n  VALUES \(\?population \?endpoint\) \{ \(<[^>]+/MainPVTT> <[^>]+/OverallSurvival>\) \}",
                     text)


@pytest.mark.parametrize("path", [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for p in sorted(QUERIES.rglob("*.rq"))])
def test_sparqlwrapper_reads_the_query_form(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SPARQLWrapper picks GET/POST parameters from the first keyword it finds, comments included: a
    comment saying "added" once made it send 10_coverage to a server as an ADD update. The endpoint
    backend sends queries without their comment lines; this checks what it sends."""
    from SPARQLWrapper import SPARQLWrapper

    from hcc_kg.query.backends import EndpointBackend

    sent: list[str] = []
    monkeypatch.setattr(SPARQLWrapper, "query", lambda self: sent.append(self.queryType) or (_ for _ in ()).throw(
        ConnectionError("not sent")))
    with pytest.raises(EndpointError):
        EndpointBackend("http://127.0.0.1:9/query").select(path.read_text(encoding="utf-8"))
    assert sent == [parse_query_file(path).form]


def test_parameters_are_bound_inside_sub_selects(kg: KnowledgeGraph) -> None:
    """A sub-select does not see the outer group's bindings, so each WHERE group gets the VALUES block:
    04 with therapyB=PD1Inhibitor must not fall back to counting every regimen (as if unbound)."""
    from hcc_kg.query.saved import bound_text

    saved = kg.saved("04_conflicting_findings")
    text = bound_text(saved, {"therapyB": "PD1Inhibitor"}, kg.terms)
    assert text.count("VALUES (?therapyA ?therapyB)") == text.count("WHERE {") == 4
    rows = kg.select(saved, therapyB="PD1Inhibitor")
    assert {r["finding"] for r in rows.values()} == {
        "f004-xu2021-os", "f004-xu2024-os", "f004-mei2021-os-ehs", "f004-mei2021-os-main-pvtt"}
