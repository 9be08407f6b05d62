"""FHIR R5 export: models, the official R5 JSON Schema, values against the graph, subsets, stable bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hcc_kg import KnowledgeGraph
from hcc_kg.cli import cli
from hcc_kg.errors import HccKgError
from hcc_kg.export.fhir import fhir_id
from hcc_kg.export.fhir_elements import ATTRIBUTE_TYPE, EXT, SECTION, STATISTIC_TYPE, printed_json
from hcc_kg.export.formats import EXPORT_FORMATS
from hcc_kg.export.selection import Selection
from hcc_kg.namespaces import HCC, RDF

HCC_KG = str(Path(sys.executable).parent / "hcc-kg")
SCHEMA = Path(__file__).parent / "fhir" / "fhir.schema.json.gz"
SCHEMA_SHA256 = "e865a3f40d9949c72da906ee3d89ae4c7066be27fd8a258cae80705e08e4d1b7"
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
FLAGSHIP = "01_haic_combinations_os_pvi"
SUBSETS = {
    "haic": Selection(therapy="HAIC"),
    "pvi-os": Selection(population="门静脉侵犯", endpoint="OS"),
    "haic-pvi-os": Selection(therapy="HAIC", population="门静脉侵犯", endpoint="OS"),
    "src000": Selection(source="src000"),
    "construct-11": Selection(construct="11_construct_findings_for_population"),
}


def _by_id(bundle: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["resource"]["resourceType"], e["resource"]["id"]): e["resource"] for e in bundle["entry"]}


@pytest.fixture(scope="module")
def raw(kg: KnowledgeGraph) -> bytes:
    return kg.export("fhir")


@pytest.fixture(scope="module")
def bundle(raw: bytes) -> dict[str, Any]:
    return json.loads(raw, parse_float=Decimal)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def resources(bundle: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return _by_id(bundle)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data = gzip.decompress(SCHEMA.read_bytes())
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, "tests/fhir/fhir.schema.json.gz is not the vendored file"
    return json.loads(data)  # type: ignore[no-any-return]


def _validator(schema: dict[str, Any], resource_type: str):  # type: ignore[no-untyped-def]
    """One resource type's schema: its definition with all the others (the top-level oneOf is very slow)."""
    from jsonschema import Draft6Validator

    return Draft6Validator({"$schema": schema["$schema"], "definitions": schema["definitions"],
                            "$ref": f"#/definitions/{resource_type}"})


# -- the format, the models, the official schema --------------------------------------------------

def test_registered_as_an_export_format() -> None:
    fmt = EXPORT_FORMATS["fhir"]
    assert (fmt.extension, fmt.media_type) == ("json", "application/fhir+json")


def test_vendored_schema_is_the_official_r5_schema(schema: dict[str, Any]) -> None:
    assert schema["id"] == "http://hl7.org/fhir/json-schema/5.0"
    assert {"Evidence", "EvidenceVariable", "Citation", "Composition", "Bundle"} <= set(schema["discriminator"]["mapping"])
    assert {"statistic", "variableDefinition", "certainty"} <= set(schema["definitions"]["Evidence"]["properties"])
    assert "Evidence_AttributeEstimate" in schema["definitions"]
    assert "sha256" in (SCHEMA.parent / "README.md").read_text() and SCHEMA_SHA256 in (SCHEMA.parent / "README.md").read_text()


def test_bundle_parses_back_with_the_r5_models(raw: bytes, bundle: dict[str, Any]) -> None:
    import fhir.resources
    from fhir.resources.bundle import Bundle

    assert fhir.resources.__fhir_version__ == "5.0.0"
    parsed = Bundle.model_validate_json(raw)
    assert parsed.type == "collection" and len(parsed.entry) == len(bundle["entry"])
    for entry, original in zip(parsed.entry, bundle["entry"], strict=True):
        assert entry.resource.get_resource_type() == original["resource"]["resourceType"]
    # the models lose nothing but printed trailing zeros (they hold decimals as floats): the same JSON values
    assert json.loads(parsed.model_dump_json(indent=1, exclude_none=True)) == json.loads(raw)
    # and the same bytes once each decimal is written as printed
    assert printed_json(parsed.model_dump(mode="json", exclude_none=True), bundle).encode() + b"\n" == raw


def test_every_resource_validates_against_the_r5_json_schema(raw: bytes, schema: dict[str, Any]) -> None:
    bundle = json.loads(raw)
    validators: dict[str, Any] = {}
    problems = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        validators.setdefault(kind, _validator(schema, kind))
        problems += [f"{kind}/{resource['id']} {list(e.absolute_path)}: {e.message}"
                     for e in validators[kind].iter_errors(resource)]
    shell = {**bundle, "entry": [{"fullUrl": e["fullUrl"]} for e in bundle["entry"]]}
    problems += [f"Bundle: {e.message}" for e in _validator(schema, "Bundle").iter_errors(shell)]
    assert not problems, "\n".join(problems[:20])
    assert set(validators) == {"Composition", "Evidence", "EvidenceVariable", "Citation"}


def test_the_schema_check_is_not_vacuous(resources: dict[tuple[str, str], dict[str, Any]],
                                         schema: dict[str, Any]) -> None:
    evidence = resources["Evidence", "f004-he2019-os"]
    assert not list(_validator(schema, "Evidence").iter_errors(evidence))
    for broken in ({**evidence, "statistics": []}, {**evidence, "statistic": [{"quantity": {"value": "13.37"}}]},
                   {**evidence, "id": "f004_he2019"}, {k: v for k, v in evidence.items() if k != "variableDefinition"}):
        assert list(_validator(schema, "Evidence").iter_errors(broken))


def test_ids_are_valid_unique_and_every_reference_resolves(bundle: dict[str, Any]) -> None:
    keys = [(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]]
    assert len(keys) == len(set(keys))
    assert all(FHIR_ID.fullmatch(i) for _, i in keys)
    assert [e["fullUrl"] for e in bundle["entry"]] == [f"https://w3id.org/hcc-kg/fhir/{t}/{i}" for t, i in keys]
    references = re.findall(r'"reference": "([^"]+)"', json.dumps(bundle, default=str))
    assert references and {tuple(r.split("/")) for r in references} <= set(keys)


def test_one_evidence_per_finding_and_citations(kg: KnowledgeGraph, bundle: dict[str, Any]) -> None:
    findings = kg.findings(kg.subset_findings(Selection()))
    evidence = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Evidence"]
    assert [r["identifier"][0]["value"] for r in evidence] == [f.id for f in findings]
    assert [r["id"] for r in evidence] == [fhir_id(f.id) for f in findings]
    citations = {r["id"] for r in (e["resource"] for e in bundle["entry"]) if r["resourceType"] == "Citation"}
    assert citations == {f"source-{f.source_id}" for f in findings} | {
        "ref-" + f.reference.iri.rsplit("/", 1)[1] for f in findings if f.reference}


# -- ids ------------------------------------------------------------------------------------------

def test_fhir_id_keeps_valid_ids_and_maps_the_rest() -> None:
    assert fhir_id("f004-he2019-os") == "f004-he2019-os"
    assert fhir_id("a.b-C9") == "a.b-C9"
    mapped = fhir_id("sof-01_haic_combinations_os_pvi")
    assert FHIR_ID.fullmatch(mapped) and mapped.startswith("sof-01-haic-combinations-os-pvi-")
    assert mapped == fhir_id("sof-01_haic_combinations_os_pvi")
    assert len({fhir_id(x) for x in ("a_b", "a+b", "a b", "a-b", "a--b", "门静脉癌栓", "门静脉")}) == 7
    assert FHIR_ID.fullmatch(fhir_id("x" * 200)) and fhir_id("x" * 200) != fhir_id("x" * 201)
    assert FHIR_ID.fullmatch(fhir_id("")) and FHIR_ID.fullmatch(fhir_id("门静脉癌栓"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.text(max_size=120))
def test_fhir_id_is_valid_deterministic_and_keeps_ids_apart(a: str, b: str) -> None:
    assert FHIR_ID.fullmatch(fhir_id(a))
    assert fhir_id(a) == fhir_id(a)
    if a != b and not (FHIR_ID.fullmatch(a) or FHIR_ID.fullmatch(b)):
        assert fhir_id(a) != fhir_id(b)


# -- values against the graph ---------------------------------------------------------------------

def _coded(concept: dict[str, Any], system: str) -> str | None:
    return next((c["code"] for c in concept.get("coding", []) if c["system"] == system), None)


def _estimates(statistic: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [a for a in statistic.get("attributeEstimate", []) if _coded(a["type"], ATTRIBUTE_TYPE) == code]


def _group(statistic: dict[str, Any]) -> str | None:
    return next((x["valueCoding"]["code"] for x in statistic.get("extension", [])
                 if x["url"] == EXT + "statistic-group"), None)


def test_oligometastasis_hazard_ratio_with_ci(resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    evidence = resources["Evidence", "f002-hr-mv-oligo"]
    (hr,) = [s for s in evidence["statistic"] if _coded(s["statisticType"], STATISTIC_TYPE) == "C93150"]
    assert hr["quantity"] == {"value": Decimal("2.213")}
    (ci,) = _estimates(hr, "C53324")
    assert ci["level"] == Decimal("95")
    assert ci["range"] == {"low": {"value": Decimal("1.017")}, "high": {"value": Decimal("4.816")}}
    (p,) = _estimates(hr, "C44185")
    assert p["quantity"] == {"value": Decimal("0.045")} and p["description"] == "P=0.045"
    assert hr["modelCharacteristic"][0]["code"]["text"] == "multivariate analysis"
    roles = {_coded(v["variableRole"], "http://terminology.hl7.org/CodeSystem/variable-role"): v["observed"]["reference"]
             for v in evidence["variableDefinition"]}
    assert roles["exposure"] == "EvidenceVariable/factor-Oligometastasis"
    assert roles["measuredVariable"] == "EvidenceVariable/endpoint-OverallSurvival"


def test_he2019_medians_p_value_and_citation(resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    evidence = resources["Evidence", "f004-he2019-os"]
    medians = {_group(s): s for s in evidence["statistic"]
               if _coded(s.get("statisticType", {}), STATISTIC_TYPE) == "C28007"}
    assert medians["exposure"]["quantity"] == {"value": Decimal("13.37"), "unit": "months",
                                               "system": "http://unitsofmeasure.org", "code": "mo"}
    assert medians["referenceExposure"]["quantity"]["value"] == Decimal("7.13")
    assert (medians["exposure"]["description"], medians["referenceExposure"]["description"]) == (
        "FOLFOX-HAIC + sorafenib", "sorafenib")
    (p,) = [a for s in evidence["statistic"] for a in _estimates(s, "C44185")]
    assert p["quantity"] == {"value": Decimal("0.001"), "comparator": "<"} and p["description"] == "P<0.001"
    assert {_coded(d, HCC) for d in evidence["studyDesign"]} == {"RandomisedControlledTrial", "MultiCentreStudy"}
    quotes = [n for n in evidence["note"] if n.get("extension", [{}])[0].get("url") == EXT + "verbatim-quote"]
    assert quotes and "13.37个月vs.7.13个月，P<0.001" in quotes[0]["text"] and quotes[0]["extension"][0]["valueCode"] == "zh"
    cited = next(a for a in evidence["relatedArtifact"] if a["type"] == "cites")
    citation = resources[tuple(cited["resourceReference"]["reference"].split("/"))]  # type: ignore[index]
    assert citation["citedArtifact"]["identifier"] == [{"system": "https://doi.org", "value": "10.1001/jamaoncol.2019.0250"}]
    assert citation["citedArtifact"]["publicationForm"][0]["publishedIn"]["title"] == "JAMA Oncol"
    assert citation["citedArtifact"]["publicationForm"][0]["publicationDateText"] == "2019"
    assert citation["citedArtifact"]["contributorship"]["summary"][0]["value"] == "He M, Li Q, Zou R, et al."
    assert citation["citedArtifact"]["relatesTo"][0]["resourceReference"]["reference"] == "Citation/source-src004"
    source = resources["Citation", "source-src004"]
    assert source["title"] == "动脉灌注化疗联合全身性药物治疗中晚期肝细胞癌的应用与思考"
    assert "certainty" not in evidence  # the source grades no finding


def _reading(evidence: dict[str, Any], resources: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """A finding's fields read back from its Evidence resource (the bundle's side of the round trip)."""
    stats = evidence.get("statistic", [])
    by_group = {_group(s): s for s in stats if _group(s)}
    value = by_group.get("exposure") or next((s for s in stats if "quantity" in s and not _group(s)
                                              and _coded(s.get("statisticType", {}), STATISTIC_TYPE) != "C93150"), None)
    hr = next((s for s in stats if _coded(s.get("statisticType", {}), STATISTIC_TYPE) == "C93150"
               and "quantity" in s and s is not value), None)
    cis = [a for s in stats for a in _estimates(s, "C53324")]
    ps = [a for s in stats for a in _estimates(s, "C44185")]
    roles = {_coded(v["variableRole"], "http://terminology.hl7.org/CodeSystem/variable-role"): v["observed"]["reference"]
             for v in evidence["variableDefinition"]}
    population = resources[tuple(roles["population"].split("/"))] if "population" in roles else None  # type: ignore[index]
    related = {a["label"]: a for a in evidence["relatedArtifact"]}
    return {
        "id": evidence["identifier"][0]["value"],
        "value": value["quantity"]["value"] if value and "quantity" in value else None,
        "comparator_value": by_group["referenceExposure"]["quantity"]["value"] if "referenceExposure" in by_group else None,
        "unit": (value or {}).get("quantity", {}).get("unit"),
        "hazard_ratio": hr["quantity"]["value"] if hr else None,
        "ci": (cis[0]["range"]["low"]["value"], cis[0]["range"]["high"]["value"], cis[0].get("level")) if cis else None,
        "p": (ps[0]["description"], ps[0]["quantity"]["value"], ps[0]["quantity"].get("comparator", "=")) if ps else None,
        "designs": sorted(_coded(d, HCC) for d in evidence.get("studyDesign", [])),
        "criteria": sorted(_coded(c["definitionCodeableConcept"], HCC) for c in population["characteristic"]
                           if not c.get("exclude") and "definitionCodeableConcept" in c
                           and not c.get("description", "").startswith("disease: ")) if population else [],
        "arm": roles.get("exposure"), "comparator": roles.get("referenceExposure"),
        "endpoint": roles["measuredVariable"],
        "study": related["study"]["resourceReference"]["identifier"]["value"],
        "source": related["source document"]["resourceReference"]["reference"],
        "quotes": sorted(n["text"] for n in evidence.get("note", [])
                         if n.get("extension", [{}])[0].get("url") == EXT + "verbatim-quote"),
        "direction": next(x["valueCode"] for x in evidence["extension"] if x["url"] == EXT + "direction"),
    }


def _expected(f: Any) -> dict[str, Any]:
    """The same fields from the graph's typed finding."""
    return {
        "id": f.id, "value": f.value, "comparator_value": f.comparator_value, "unit": f.unit if f.value is not None else None,
        "hazard_ratio": f.hazard_ratio,
        "ci": (f.ci_low, f.ci_high, f.ci_level) if f.ci_low is not None else None,
        "p": (f.p_text, f.p_value, f.p_relation) if f.p_text else None,
        "designs": sorted(d for d, _ in f.designs), "criteria": sorted(f.criteria),
        "arm": f"EvidenceVariable/arm-{f.arm.id}" if f.arm else (f"EvidenceVariable/factor-{f.factor}" if f.factor else None),
        "comparator": f"EvidenceVariable/arm-{f.comparator.id}" if f.comparator else None,
        "endpoint": f"EvidenceVariable/endpoint-{f.endpoint}", "study": f.study_id,
        "source": f"Citation/source-{f.source_id}", "quotes": sorted(q for q, _ in f.quotes), "direction": f.direction,
    }


def test_round_trip_of_the_flagship_subset(kg: KnowledgeGraph) -> None:
    from fhir.resources.bundle import Bundle

    selection = SUBSETS["haic-pvi-os"]
    raw = kg.export("fhir", selection)
    Bundle.model_validate_json(raw)
    bundle = json.loads(raw, parse_float=Decimal)
    resources = _by_id(bundle)
    findings = kg.findings(kg.subset_findings(selection))
    assert findings and {f.id for f in findings} >= set(kg.select(FLAGSHIP).column("finding"))
    got = [_reading(r, resources) for r in resources.values() if r["resourceType"] == "Evidence"]
    assert got == [_expected(f) for f in findings]
    assert any(g["value"] == Decimal("13.37") and g["comparator_value"] == Decimal("7.13") for g in got)


def test_round_trip_of_every_finding(kg: KnowledgeGraph, resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    findings = kg.findings(kg.subset_findings(Selection()))
    got = {r["identifier"][0]["value"]: _reading(r, resources) for r in resources.values() if r["resourceType"] == "Evidence"}
    mismatched = [f.id for f in findings if got[f.id] != _expected(f)]
    assert not mismatched, mismatched[:10]


@pytest.mark.parametrize("name", SUBSETS)
def test_a_subset_bundle_holds_exactly_the_subsets_findings(kg: KnowledgeGraph, name: str) -> None:
    selection = SUBSETS[name]
    bundle = json.loads(kg.export("fhir", selection))
    if selection.construct:
        triples = kg.construct(selection.construct).triples
        expected = sorted(t.subject.value.rsplit("/", 1)[1] for t in triples
                          if t.predicate.value == RDF + "type" and t.object.value == HCC + "Finding")
    else:
        expected = [iri.rsplit("/", 1)[1] for iri in kg.subset_findings(selection)]
    got = [e["resource"]["identifier"][0]["value"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Evidence"]
    assert expected and got == expected
    references = {tuple(r.split("/")) for r in re.findall(r'"reference": "([^"]+)"', json.dumps(bundle))}
    assert references <= set(_by_id(bundle)), "a subset bundle points only at its own resources"


# -- summary of findings --------------------------------------------------------------------------

def test_flagship_summary_of_findings(kg: KnowledgeGraph, resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    (composition,) = [r for r in resources.values() if r["resourceType"] == "Composition"
                      and r["identifier"][0]["value"] == FLAGSHIP]
    assert composition["category"] == [{"text": "Summary of Findings"}]
    assert composition["title"] == kg.saved(FLAGSHIP).summary
    headers, *entries = composition["section"]
    assert _coded(headers["code"], SECTION) == "Column-Headers"
    assert {_coded(s["code"], SECTION) for s in headers["section"]} >= {"EvidenceVariable-outcome",
                                                                          "Intervention-vs-Control-Evidence"}
    assert all(e["code"] == {"text": "Summary of findings entry for a single outcome"} for e in entries)
    assert all(e["focus"]["reference"] == "EvidenceVariable/endpoint-OverallSurvival" for e in entries)
    listed = [ref["reference"] for e in entries for s in e["section"] if "entry" in s for ref in s["entry"]
              if ref["reference"].startswith("Evidence/")]
    assert listed == [f"Evidence/{fhir_id(i)}" for i in kg.select(FLAGSHIP).column("finding")]
    assert "date" not in composition and composition["_date"]["extension"][0]["valueCode"] == "unknown"


def test_a_subset_carries_no_partial_summary(kg: KnowledgeGraph) -> None:
    bundle = json.loads(kg.export("fhir", Selection(source="src000")))
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Composition"]


# -- stable bytes, timestamp, errors, CLI ---------------------------------------------------------

def test_every_backend_gives_the_same_bundle(any_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert any_kg.export("fhir", SUBSETS["pvi-os"]) == kg.export("fhir", SUBSETS["pvi-os"])


def test_stable_bytes_and_no_timestamp(kg: KnowledgeGraph, raw: bytes) -> None:
    assert kg.export("fhir") == raw
    assert kg.export("fhir", SUBSETS["pvi-os"]) == kg.export("fhir", SUBSETS["pvi-os"])
    text = raw.decode()
    assert '"timestamp"' not in text and '"date"' not in text and re.search(r"20\d\d-\d\d-\d\dT", text) is None


def test_timestamp_only_when_asked(kg: KnowledgeGraph) -> None:
    bundle = json.loads(kg.export("fhir", Selection(timestamp="2026-12-02T10:00:00Z")))
    assert bundle["timestamp"] == "2026-12-02T10:00:00Z"
    assert {e["resource"]["date"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Composition"} == {
        "2026-12-02T10:00:00Z"}
    with pytest.raises(HccKgError, match="needs a time zone"):
        kg.export("fhir", Selection(timestamp="2026-12-02T10:00:00"))
    with pytest.raises(HccKgError, match="not an xsd:dateTime"):
        kg.export("fhir", Selection(timestamp="yesterday"))
    with pytest.raises(HccKgError, match="--part is for the RDF formats"):
        kg.export("fhir", Selection(part="ontology"))


def test_cli_export_fhir(built: Any, tmp_path: Path, kg: KnowledgeGraph) -> None:
    from fhir.resources.bundle import Bundle

    out = tmp_path / "pvi-os.json"
    result = CliRunner().invoke(cli, ["export", "--format", "fhir", "--population", "门静脉侵犯", "--endpoint", "OS",
                                      "--build-dir", str(built[0].build_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == kg.export("fhir", SUBSETS["pvi-os"])
    assert Bundle.model_validate_json(out.read_bytes()).entry
    bad = subprocess.run([HCC_KG, "export", "--format", "fhir", "--part", "ontology", "--build-dir",
                          str(built[0].build_dir)], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("error: --part is for the RDF formats") and bad.stderr.count("\n") == 1


# --- issue 13: n/N, not reached, comparator CIs, ranges, printed decimals (tests/model: real quotes) ------

MODEL = Path(__file__).resolve().parent / "model"


@pytest.fixture(scope="module")
def model_resources(repo_paths: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Any]]:
    import dataclasses

    from hcc_kg.build.pipeline import build

    paths = dataclasses.replace(repo_paths, build_dir=tmp_path_factory.mktemp("model-fhir"), data_dir=MODEL)
    build(paths)
    raw = KnowledgeGraph.open(paths.build_dir, paths=paths).export("fhir")
    from fhir.resources.bundle import Bundle

    Bundle.model_validate_json(raw)
    assert b'"value": 8.0,' in raw and b'"value": 72.0,' in raw, "decimals keep their printed form"
    return _by_id(json.loads(raw, parse_float=Decimal))


def test_count_and_denominator_are_events_and_participants(model_resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    """002: "76 例患者中 32 例 (42.1%) 死于肿瘤进展"."""
    (stat,) = model_resources["Evidence", "fm2-deaths"]["statistic"]
    assert stat["quantity"]["value"] == Decimal("42.1") and stat["numberOfEvents"] == 32
    assert stat["sampleSize"]["numberOfParticipants"] == 76


def test_not_reached_is_a_note_without_quantity_and_the_comparator_keeps_its_ci(
        model_resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    """002: "局部治疗组中位 OS 未达到, 无局部治疗组中位 OS 为 16.2 个月 (95% CI=13.3~19.1)"."""
    arm, comparator = model_resources["Evidence", "fm2-os-nr"]["statistic"]
    assert "quantity" not in arm and arm["note"] == [{"text": "not reached"}]
    assert comparator["quantity"]["value"] == Decimal("16.2")
    (ci,) = _estimates(comparator, "C53324")
    assert (ci["range"]["low"]["value"], ci["range"]["high"]["value"], ci["level"]) == (
        Decimal("13.3"), Decimal("19.1"), 95)
    extensions = {x["url"]: x for x in model_resources["Evidence", "fm2-os-nr"]["extension"]}
    assert extensions[EXT + "favours"]["valueCode"] == "arm" and extensions[EXT + "tested"]["valueBoolean"] is False


def test_range_is_an_attribute_estimate_of_type_range(model_resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    """002: "中位随访时间为 15 (2.5~72.0) 个月"; 000: CR + PR VS. SD + PD with each group's range."""
    (stat,) = model_resources["Evidence", "fm2-followup"]["statistic"]
    (found,) = _estimates(stat, "C38013")
    assert (found["range"]["low"]["value"], found["range"]["high"]["value"]) == (Decimal("2.5"), Decimal("72.0"))
    arm, comparator = model_resources["Evidence", "fm0-os-response"]["statistic"]
    assert arm["description"] == "objective response (CR or PR)"
    assert _estimates(comparator, "C38013")[0]["range"]["high"]["value"] == Decimal("9.0")


def test_standard_deviation_and_population_union(model_resources: dict[tuple[str, str], dict[str, Any]]) -> None:
    (stat,) = model_resources["Evidence", "fm2-age"]["statistic"]
    assert _estimates(stat, "C53322")[0]["quantity"]["value"] == Decimal("12.3")
    population = model_resources["EvidenceVariable", "population-study-sm2-yang"]
    union = next(c for c in population["characteristic"] if "definitionByCombination" in c)
    assert union["definitionByCombination"]["code"] == "any-of"
    assert [_coded(c["definitionCodeableConcept"], HCC) for c in union["definitionByCombination"]["characteristic"]] \
        == ["ChildPughA", "ChildPughB"]
    survey = model_resources["EvidenceVariable", "population-study-sm1-survey"]
    assert survey["description"] == "survey respondents (clinicians), not patients"


def test_real_bundle_prints_decimals_as_the_source(raw: bytes) -> None:
    """002 Table 3 prints the CI bound 0.360; the models would write 0.36."""
    assert b'"value": 0.360' in raw
