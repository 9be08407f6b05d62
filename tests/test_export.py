"""Exports: stable bytes, isomorphic round trips, SHACL-valid, self-contained subsets, release diffs."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from hcc_kg import KnowledgeGraph
from hcc_kg.build.pipeline import build
from hcc_kg.cli import cli
from hcc_kg.config import Paths
from hcc_kg.export.formats import EXPORT_FORMATS
from hcc_kg.export.selection import Selection
from hcc_kg.release.diff import diff
from hcc_kg.release.layout import Release
from hcc_kg.terms import TermIndex

RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
NOT_RDF = {"fhir"}  # tested in test_fhir.py
SUBSETS = {
    "all": Selection(),
    "haic": Selection(therapy="HAIC"),
    "pvtt-os": Selection(population="门静脉癌栓", endpoint="OS"),  # the sources' word for PVTT
    "src000": Selection(source="src000"),
}


def _graph_of(quads) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    from pyoxigraph import RdfFormat, serialize

    graph = rdflib.Graph()
    graph.parse(data=serialize(quads, format=RdfFormat.N_TRIPLES), format="nt")
    return graph


@pytest.fixture(scope="module")
def terms(repo_paths: Paths) -> TermIndex:
    return TermIndex.from_ontology(repo_paths.ontology)


@pytest.mark.parametrize("subset", SUBSETS, ids=list(SUBSETS))
@pytest.mark.parametrize("fmt", [name for name in EXPORT_FORMATS.names() if name not in NOT_RDF])
def test_round_trip_isomorphic_and_stable(kg: KnowledgeGraph, subset: str, fmt: str) -> None:
    quads = kg.select_quads(SUBSETS[subset])
    first = kg.export(fmt, SUBSETS[subset])
    assert first == kg.export(fmt, SUBSETS[subset]), "bytes differ"
    parsed = rdflib.Graph().parse(data=first, format=RDFLIB_FORMATS[fmt])
    assert len(parsed) == len(quads)
    assert isomorphic(parsed, _graph_of(quads))


@pytest.mark.parametrize("subset", ["all", "haic", "src000"])
def test_exports_pass_shacl(kg: KnowledgeGraph, repo_paths: Paths, subset: str) -> None:
    from pyshacl import validate

    quads = kg.select_quads(SUBSETS[subset])
    data = _graph_of(quads)
    if subset != "all":  # a subset carries the terms it uses; SHACL targets need the class hierarchy too
        data += rdflib.Graph().parse(repo_paths.ontology)
    conforms, _, report = validate(data, shacl_graph=rdflib.Graph().parse(repo_paths.shapes))
    assert conforms, report


def test_shacl_catches_a_finding_without_provenance(kg: KnowledgeGraph, repo_paths: Paths) -> None:
    from pyshacl import validate

    data = _graph_of(kg.select_quads(Selection()))
    finding = rdflib.URIRef("https://w3id.org/hcc-kg/id/finding/f004-he2019-os")
    data.remove((finding, rdflib.URIRef("http://purl.org/dc/terms/source"), None))
    data.remove((finding, rdflib.URIRef("https://w3id.org/hcc-kg/ontology/quote"), None))
    conforms, _, report = validate(data, shacl_graph=rdflib.Graph().parse(repo_paths.shapes))
    assert not conforms and "f004-he2019-os" in report and "verbatim quote" in report


def _haic_findings_from_records(dataset, terms: TermIndex) -> set[str]:  # type: ignore[no-untyped-def]
    """HAIC findings computed from the YAML, independently of SPARQL: the arm's regimen has a HAIC term."""
    out = set()
    for file in dataset.files:
        arms = {a.id: a for s in file.data.studies for a in s.arms}
        for f in file.data.findings:
            if f.arm and any(terms.in_branch(terms.resolve(c, "therapy"), "therapy")
                             and "HAIC" in terms.ancestors(terms.resolve(c, "therapy")) for c in arms[f.arm].regimen):
                out.add(f.id)
    return out


def test_haic_subset_holds_every_haic_finding_and_nothing_else(kg: KnowledgeGraph, terms, dataset) -> None:  # type: ignore[no-untyped-def]
    graph = _graph_of(kg.select_quads(Selection(therapy="HAIC")))
    hcc = rdflib.Namespace("https://w3id.org/hcc-kg/ontology/")
    findings = {str(f).rsplit("/", 1)[-1] for f in graph.subjects(rdflib.RDF.type, hcc.Finding)}
    expected = _haic_findings_from_records(dataset, terms)
    assert {"f004-he2019-os", "f004-silius-os", "f004-zheng2022-os"} <= expected
    assert findings == expected
    records = dataset.records()
    for fid in sorted(findings):
        f = rdflib.URIRef(f"https://w3id.org/hcc-kg/id/finding/{fid}")
        study = graph.value(f, hcc.study)
        assert study is not None and graph.value(study, rdflib.RDFS.label) is not None, fid
        arm = graph.value(f, hcc.exposure)
        assert graph.value(graph.value(arm, hcc.regimen), rdflib.RDFS.label) is not None, fid
        assert graph.value(f, hcc.population) is not None and graph.value(f, hcc.measuredVariable) is not None
        source = graph.value(f, rdflib.URIRef("http://purl.org/dc/terms/source"))
        assert graph.value(source, rdflib.URIRef("http://purl.org/dc/terms/title")) is not None, fid
        assert list(graph.objects(f, hcc.quote)), fid
        record = records[fid]
        reference = record.reference if record.reference is not None else records[record.study].reference
        if reference is not None:
            ref = graph.value(f, hcc.citedReference)
            assert int(graph.value(ref, hcc.referenceNumber)) == reference, fid
    # ontology terms used come with their labels
    assert (hcc.FOLFOXHAIC, rdflib.RDFS.label, rdflib.Literal("FOLFOX-HAIC", lang="en")) in graph
    assert (hcc.FOLFOXHAIC, rdflib.RDFS.subClassOf, hcc.HAIC) in graph
    ref12 = rdflib.URIRef("https://w3id.org/hcc-kg/id/ref/src004-12")
    assert str(graph.value(ref12, rdflib.URIRef("http://purl.org/ontology/bibo/doi"))) == "10.1001/jamaoncol.2019.0250"


def test_cli_export_writes_atomically_and_stamps_only_on_request(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    runner = CliRunner()
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["export", "--build-dir", str(paths.build_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert b"dcterms:issued" not in out.read_bytes()
    result = runner.invoke(cli, ["export", "--build-dir", str(paths.build_dir), "--part", "ontology",
                                 "--timestamp", "2026-11-22T00:00:00Z", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "dcterms:issued" in text and "finding:" not in text.split("@prefix void")[-1]
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_keeps_numbers_as_curated(kg: KnowledgeGraph) -> None:
    """Table 3 of doc 002 prints the CI bound as 0.360; the export says 0.360, not 0.36."""
    text = kg.export("turtle", Selection(part="data")).decode()
    assert "hcc:ciLower 0.360 ;" in text


def test_diff_reports_changed_p_value_and_added_finding(repo_paths: Paths, tmp_path: Path) -> None:
    old = dataclasses.replace(repo_paths, build_dir=tmp_path / "old")
    build(old)
    data = tmp_path / "data"
    shutil.copytree(repo_paths.data_dir, data)
    path = data / "004_haic_systemic_review.yaml"
    text = path.read_text(encoding="utf-8")
    # a corrected p-value: the record and (as in an erratum) its source sentence change together
    # (every record quoting that sentence follows it: a conflict record quotes it too)
    text = text.replace("  p: P=0.955\n", "  p: P=0.95\n", 1).replace("11.5个月，P=0.955）", "11.5个月，P=0.95）")
    seeds = tmp_path / "seeds"
    shutil.copytree(repo_paths.seeds_dir, seeds)
    seed = seeds / "004_b13ee0292349ace4.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("P=0.955", "P=0.95"), encoding="utf-8")
    added = """- id: f004-he2019-os-copy
  study: s004-he2019
  arm: s004-he2019-combo
  comparator_arm: s004-he2019-sor
  endpoint: OverallSurvival
  statistic: median
  value: 13.37
  comparator_value: 7.13
  unit: months
  direction: benefit
  quote: （13.37个月vs.7.13个月，P<0.001）
  quote_lang: zh
"""
    text = text.replace("findings:\n", "findings:\n" + added, 1)
    path.write_text(text, encoding="utf-8")
    new = dataclasses.replace(repo_paths, build_dir=tmp_path / "new", data_dir=data, seeds_dir=seeds)
    build(new)
    def graph_file(build_dir: Path) -> Path:
        return Release.current(build_dir).graph_file

    changes = diff(graph_file(old.build_dir), graph_file(new.build_dir))
    summary = {(c.kind, c.id, c.status) for c in changes if c.kind not in ("flag", "conflict")}  # a copy may raise a flag
    assert summary == {("finding", "f004-silius-os", "changed"), ("finding", "f004-he2019-os-copy", "added")}
    assert all(set(c.fields) == {"hcc:quote"} for c in changes if c.kind == "conflict"), "only the quoted sentence"
    changed = next(c for c in changes if c.kind == "finding" and c.status == "changed")
    assert changed.fields["hcc:pValueText"] == {"old": ["P=0.955"], "new": ["P=0.95"]}
    assert changed.fields["hcc:pValue"] == {"old": ["0.955"], "new": ["0.95"]}
    result = CliRunner().invoke(cli, ["diff", str(graph_file(old.build_dir)), str(graph_file(new.build_dir)),
                                      "--format", "json"])
    assert result.exit_code == 0
    assert {(c["id"], c["status"]) for c in json.loads(result.output) if c["kind"] == "finding"} == {
        ("f004-silius-os", "changed"), ("f004-he2019-os-copy", "added")}
    text_out = CliRunner().invoke(cli, ["diff", str(graph_file(old.build_dir)), str(graph_file(new.build_dir))])
    assert "hcc:pValueText: P=0.955 -> P=0.95" in text_out.output


def test_release_carries_version_and_sources(graph_ttl: Path) -> None:
    graph = rdflib.Graph().parse(graph_ttl)
    dataset = rdflib.URIRef("https://w3id.org/hcc-kg/id/dataset")
    assert str(graph.value(dataset, rdflib.OWL.versionInfo)) == "0.1.0"
    files = {str(o) for o in graph.objects(dataset, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
    assert files == {"000_a7ac623c546b824a.txt", "001_e3fe8ab5a02a181e.txt", "002_dee160c2392e6517.txt",
                     "004_b13ee0292349ace4.txt"}


def test_construct_export_and_bad_timestamp(kg: KnowledgeGraph) -> None:
    """--construct exports a saved CONSTRUCT's answer; a timestamp that is not an xsd:dateTime is refused."""
    from hcc_kg.errors import HccKgError, QueryError

    text = kg.export("ntriples", Selection(construct="11_construct_findings_for_population")).decode()
    assert "<https://w3id.org/hcc-kg/id/finding/f004-zheng2022-os> " in text
    assert "/finding/f000-" not in text
    with pytest.raises(QueryError, match="is a SELECT query"):
        kg.export("turtle", Selection(construct="01_haic_combinations_os_pvi"))
    with pytest.raises(HccKgError, match="not an xsd:dateTime"):
        kg.export("turtle", Selection(timestamp="yesterday"))
    with pytest.raises(HccKgError, match="unknown export format 'docx'; expected one of turtle"):
        kg.export("docx")


def test_export_of_named_findings(kg: KnowledgeGraph) -> None:
    """--finding names findings one by one (an answer's findings): the export holds exactly those."""
    import rdflib

    ids = ("f004-he2019-os", "f004-zheng2022-os")
    graph = _graph_of(kg.select_quads(Selection(findings=ids)))
    hcc = rdflib.Namespace("https://w3id.org/hcc-kg/ontology/")
    assert {str(f).rsplit("/", 1)[-1] for f in graph.subjects(rdflib.RDF.type, hcc.Finding)} == set(ids)
    narrowed = _graph_of(kg.select_quads(Selection(findings=ids, population="MajorPVTT")))
    assert {str(f).rsplit("/", 1)[-1] for f in narrowed.subjects(rdflib.RDF.type, hcc.Finding)} == {
        "f004-zheng2022-os"}
    from hcc_kg.errors import QueryError

    with pytest.raises(QueryError, match="no finding f004-nope in this graph"):
        kg.export("turtle", Selection(findings=("f004-he2019-os", "f004-nope")))
    with pytest.raises(QueryError, match="not a finding id"):
        kg.export("turtle", Selection(findings=("f004> } DROP ALL {",)))


def test_cli_export_of_named_findings(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "two.ttl"
    result = CliRunner().invoke(cli, ["export", "--build-dir", str(built[0].build_dir), "--finding",
                                      "f004-he2019-os", "--finding", "f002-hr-mv-oligo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out)
    hcc = rdflib.Namespace("https://w3id.org/hcc-kg/ontology/")
    assert {str(f).rsplit("/", 1)[-1] for f in graph.subjects(rdflib.RDF.type, hcc.Finding)} == {
        "f004-he2019-os", "f002-hr-mv-oligo"}


def test_diff_compares_printed_forms_and_the_new_fields(tmp_path: Path) -> None:
    """3 -> 3.0 is a change only the printed form shows; a count and a group criterion are fields too."""
    head = ("@prefix hcc: <https://w3id.org/hcc-kg/ontology/> .\n"
            "@prefix f: <https://w3id.org/hcc-kg/id/finding/> .\n"
            "f:x a hcc:Finding .\n")
    old, new = tmp_path / "old.ttl", tmp_path / "new.ttl"
    old.write_text(head + 'f:x hcc:value 3 ; hcc:valuePrinted "3" ; hcc:count 32 .\n'
                   "<https://w3id.org/hcc-kg/id/finding/x/group> hcc:includesCriterion hcc:MaleSex .\n")
    new.write_text(head + 'f:x hcc:value 3.0 ; hcc:valuePrinted "3.0" ; hcc:count 33 ; hcc:favours "arm" .\n'
                   "<https://w3id.org/hcc-kg/id/finding/x/group> hcc:includesCriterion hcc:FemaleSex .\n")
    (change,) = diff(old, new)
    assert change.fields == {
        "group/hcc:includesCriterion": {"old": ["hcc:MaleSex"], "new": ["hcc:FemaleSex"]},
        "hcc:count": {"old": ["32"], "new": ["33"]},
        "hcc:favours": {"old": [], "new": ["arm"]},
        "hcc:valuePrinted": {"old": ["3"], "new": ["3.0"]},
    }


def test_diff_groups_content_addressed_criteria_by_aspect(tmp_path: Path) -> None:
    """A criterion's IRI changes with its text; the diff reports the text change under its aspect."""
    def release(name: str, digest: str, value: str) -> Path:
        path = tmp_path / name
        path.write_text("@prefix hcc: <https://w3id.org/hcc-kg/ontology/> .\n"
                        "@prefix d: <https://w3id.org/hcc-kg/id/definition/> .\n"
                        "d:d1 a hcc:RefractorinessDefinition ; "
                        f"hcc:hasCriterion <https://w3id.org/hcc-kg/id/definition/d1/criterion/imaging-{digest}> .\n"
                        f"<https://w3id.org/hcc-kg/id/definition/d1/criterion/imaging-{digest}> "
                        f'a hcc:DefinitionCriterion ; hcc:criterionValue "{value}" .\n')
        return path

    (change,) = diff(release("old.ttl", "aaaaaaaa", "CT/MRI"), release("new.ttl", "bbbbbbbb", "CT or MRI"))
    assert (change.kind, change.id) == ("definition", "d1")
    assert change.fields == {"criterion/imaging/hcc:criterionValue": {"old": ["CT/MRI"], "new": ["CT or MRI"]}}
