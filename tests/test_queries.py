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
    assert names[0] == "01_haic_combinations_os_pvi" and len(names) == 18


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
def test_hostile_string_parameter_cannot_change_the_query(kg: KnowledgeGraph, value: str, tmp_path: Path) -> None:
    """A string parameter is bound as one literal: the answer is the (empty) answer for that literal; a saved
    query's string parameter must also match a value the graph holds, else a one-line error lists them."""
    with pytest.raises(QueryError, match=r"matches none of the values of hcc:evidenceQuality") as info:
        answer(kg, "06_consensus_statements", quality=value)
    assert "\n" not in str(info.value) and "IIb" in str(info.value)
    graded_iib = {r["statement"] for r in answer(kg, "06_consensus_statements") if r["evidenceQuality"] == "IIb"}
    assert {r["statement"] for r in answer(kg, "06_consensus_statements", quality="IIb")} == graded_iib != set()
    adhoc = tmp_path / "adhoc.rq"
    adhoc.write_text("#+ summary: s\n#+ description: d\n#+ params:\n#+   - name: q\n#+     type: string\n"
                     "#+     description: d\nPREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n"
                     "SELECT ?s WHERE { ?s hcc:evidenceQuality ?q }\n")
    assert answer(kg, str(adhoc), q=value) == []


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
    04 with therapyB=PD1Inhibitor must not fall back to pairing every regimen (as if unbound)."""
    from hcc_kg.query.saved import bound_text

    saved = kg.saved("04_conflicting_findings")
    text = bound_text(saved, {"therapyB": "PD1Inhibitor"}, kg.terms)
    assert text.count("VALUES (?therapyA ?therapyB ?comparableOnly)") == text.count("WHERE {") == 3
    rows = kg.select(saved, therapyB="PD1Inhibitor", comparableOnly="false")
    assert {r["finding"] for r in rows.values()} == {"f004-xu2021-os", "f004-xu2024-os"}
    assert {r["opposing"] for r in rows.values()} == {"f004-mei2021-os-ehs", "f004-mei2021-os-main-pvtt"}


# --- parameters checked against the graph --------------------------------------------------------

@pytest.mark.parametrize("form", ["f004-he2019-os", "finding:f004-he2019-os",
                                  "https://w3id.org/hcc-kg/id/finding/f004-he2019-os",
                                  "<https://w3id.org/hcc-kg/id/finding/f004-he2019-os>", " f004-he2019-os "])
def test_record_parameter_takes_every_printed_form(kg: KnowledgeGraph, form: str) -> None:
    rows = answer(kg, "05_trace_finding", finding=form)
    assert {r["findingId"] for r in rows} == {"f004-he2019-os"}
    assert {r["findingIri"] for r in rows} == {"https://w3id.org/hcc-kg/id/finding/f004-he2019-os"}


@pytest.mark.parametrize("name,param,value,message", [
    ("05_trace_finding", "finding", "nonexistent", "no finding 'nonexistent' in this graph"),
    ("05_trace_finding", "finding", "f004-he2019-o", "did you mean f004-he2019-os"),
    ("05_trace_finding", "finding", "study:s004-he2019", "names a study, not a finding"),
    ("05_trace_finding", "finding", "https://w3id.org/hcc-kg/id/study/s004-he2019", "IRI of a study"),
    ("05_trace_finding", "finding", "F004 He2019", "is not a record id"),
    ("12_source_contradictions", "source", "src009", "no source 'src009' in this graph; the graph holds src000, "
                                                     "src001, src002, src004"),
    ("06_consensus_statements", "quality", "Ic", "'Ic' matches none of the values of hcc:evidenceQuality in "
                                                 "this graph: A, IIb, Ib"),
    ("10_coverage", "dimension", "disease", "matches none of its values: therapy, population, endpoint"),
    ("14_definitions_by_event", "event", "no such event", "unknown ontology term"),
])
def test_parameter_the_graph_does_not_hold_is_a_one_line_error(kg: KnowledgeGraph, name: str, param: str,
                                                               value: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)) as info:
        answer(kg, name, **{param: value})
    assert "\n" not in str(info.value)


def test_string_parameter_matches_the_graphs_form(kg: KnowledgeGraph) -> None:
    """`I b` as the source prints it is the graph's `Ib`; case and spaces fold the same way everywhere."""
    assert {r["statement"] for r in answer(kg, "06_consensus_statements", quality="I b")} == {"r001-cs4"}
    assert answer(kg, "06_consensus_statements", quality="ib") == answer(kg, "06_consensus_statements", quality="Ib")
    assert {r["aspect"] for r in answer(kg, "07_refractoriness_definitions", aspect="Assessment Window")} == {
        "assessment-window"}
    assert {r["dimension"] for r in answer(kg, "10_coverage", dimension="ENDPOINT")} == {"endpoint"}
    # an event is a term: any of its names, Chinese included; a term no definition counts answers with no rows
    assert answer(kg, "14_definitions_by_event", event="肝内新发病灶") == answer(kg, "14_definitions_by_event")
    assert answer(kg, "14_definitions_by_event", event="Cirrhosis") == []


def test_group_concat_cells_are_sorted_after_the_query() -> None:
    """The order GROUP_CONCAT sees is the engine's (Oxigraph's hash joins differ from run to run), so the
    library sorts each concatenated cell, numbers by value."""
    from hcc_kg.query.results import Rows, concatenated_columns, sort_concatenated

    text = ('SELECT ?s (GROUP_CONCAT(DISTINCT STR(?n); separator=", ") AS ?cites) '
            "(GROUP_CONCAT(?d; SEPARATOR='|') AS ?dois) (GROUP_CONCAT(?x) AS ?plain) "
            '# GROUP_CONCAT(?y) AS ?commented\nWHERE { }')
    assert concatenated_columns(text) == {"cites": ", ", "dois": "|", "plain": " "}
    cell = {"type": "literal"}
    rows = Rows(["s", "cites", "dois", "plain"], [{
        "s": {**cell, "value": "a, b"}, "cites": {**cell, "value": "43, 4, 12"},
        "dois": {**cell, "value": "10.2/b|10.1/a"}, "plain": {**cell, "value": "z y"}}])
    assert sort_concatenated(rows, text).values() == [
        {"s": "a, b", "cites": "4, 12, 43", "dois": "10.1/a|10.2/b", "plain": "y z"}]


def test_saved_group_concat_answers_are_sorted(kg: KnowledgeGraph) -> None:
    for name, column in (("06_consensus_statements", "cites"), ("12_source_contradictions", "members"),
                         ("01_haic_combinations_os_pvi", "design")):
        for row in answer(kg, name):
            parts = row[column].split(", ") if row[column] else []
            key = [int(p) if p.isdigit() else p for p in parts]
            assert key == sorted(key), (name, row[column])


def test_conflict_pairs_need_overlapping_populations(kg: KnowledgeGraph) -> None:
    """04 on a graph made for it: a main-PVTT cohort does not overlap one that excludes portal vein
    invasion (main PVTT is narrower), nor a colorectal-metastasis cohort; it does overlap one that only
    excludes extrahepatic metastasis. Disjoint pairs appear only with comparableOnly=false, labelled."""
    from pyoxigraph import RdfFormat, Store

    from hcc_kg.query.saved import bound_text

    turtle = """@prefix hcc: <https://w3id.org/hcc-kg/ontology/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix : <https://w3id.org/hcc-kg/id/finding/> .
    hcc:MainPVTT rdfs:subClassOf hcc:PortalVeinInvasion .
    <urn:r> hcc:hasComponent <urn:c1>, <urn:c2> . <urn:c1> a hcc:HAIC . <urn:c2> a hcc:Sorafenib .
    :a hcc:direction "benefit" ; hcc:population <urn:pa> ; hcc:study <urn:sa> .
    <urn:pa> hcc:includesCriterion hcc:MainPVTT ; hcc:disease hcc:HepatocellularCarcinoma .
    :no-pvi hcc:direction "no-difference" ; hcc:population <urn:pb> ; hcc:study <urn:sb> .
    <urn:pb> hcc:excludesCriterion hcc:PortalVeinInvasion .
    :no-ehm hcc:direction "no-difference" ; hcc:population <urn:pc> ; hcc:study <urn:sc> .
    <urn:pc> hcc:excludesCriterion hcc:ExtrahepaticMetastasis ; hcc:disease hcc:HepatocellularCarcinoma .
    :crlm hcc:direction "harm" ; hcc:population <urn:pd> ; hcc:study <urn:sd> .
    <urn:pd> hcc:disease hcc:ColorectalLiverMetastasis .
    """
    for f in ("a", "no-pvi", "no-ehm", "crlm"):
        turtle += (f":{f} hcc:interventionRegimen <urn:r> ; hcc:measuredVariable hcc:OverallSurvival ; "
                   'hcc:statisticType "median" ; hcc:comparatorRegimen <urn:s> .\n')
    store = Store()
    store.load(turtle.encode(), RdfFormat.TURTLE)

    def pairs(**values: str) -> set[tuple[str, str, str]]:
        text = bound_text(kg.saved("04_conflicting_findings"), values, kg.terms)
        return {(str(r["finding"].value), str(r["opposing"].value), str(r["differs"].value))
                for r in store.query(text)}

    assert pairs() == {("a", "no-ehm", "")}
    assert pairs(comparableOnly="false") == {("a", "no-ehm", ""), ("a", "no-pvi", "population"),
                                             ("a", "crlm", "population")}
