"""The build: deterministic output, subclass-aware answers, and failures that leave the old build intact."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hcc_kg import KnowledgeGraph
from hcc_kg.build.gates import GateFailed
from hcc_kg.build.pipeline import build
from hcc_kg.config import Paths
from hcc_kg.errors import BuildMissing, ValidationFailed
from hcc_kg.release.layout import Release

ROOT = Path(__file__).resolve().parent.parent

FLAGSHIP = "01_haic_combinations_os_pvi"


def _paths(repo: Paths, tmp: Path, data_dir: Path | None = None) -> Paths:
    return dataclasses.replace(repo, build_dir=tmp / "build", data_dir=data_dir or repo.data_dir)


def _flagship_ids(paths: Paths, **params: str) -> set[str]:
    return set(KnowledgeGraph.open(paths.build_dir, paths=paths).select(FLAGSHIP, **params).column("finding"))


def current_release(build_dir: Path) -> Path:
    return Release.current(build_dir).folder


def graph_file(build_dir: Path) -> Path:
    return Release.current(build_dir).graph_file


def test_turtle_is_byte_identical_across_builds(repo_paths: Paths, tmp_path: Path) -> None:
    first = _paths(repo_paths, tmp_path / "a")
    second = _paths(repo_paths, tmp_path / "b")
    build(first)
    build(second)
    assert graph_file(first.build_dir).read_bytes() == graph_file(second.build_dir).read_bytes()
    assert b"_:" not in graph_file(first.build_dir).read_bytes(), "no blank nodes in the output"


def test_main_pvtt_record_answers_portal_vein_invasion_question(built) -> None:  # type: ignore[no-untyped-def]
    """Zheng 2022 was curated on major PVTT only; the question on portal vein invasion still finds it."""
    paths, _ = built
    assert "f004-zheng2022-os" in _flagship_ids(paths)
    assert "f004-he2019-os" not in _flagship_ids(paths, population="MajorPVTT"), "broader population must not match"


def test_regimen_classified_as_haic_combination_by_reasoner(store) -> None:  # type: ignore[no-untyped-def]
    types = {row["t"].value.rsplit("/", 1)[-1] for row in store.query(
        "SELECT ?t WHERE { <https://w3id.org/hcc-kg/id/regimen/FOLFOXHAIC+Sorafenib> a ?t }")}
    assert {"HAICCombination", "HAICTargetedCombination", "LocoregionalSystemicCombination"} <= types
    sorafenib = {row["t"].value.rsplit("/", 1)[-1] for row in store.query(
        "SELECT ?t WHERE { <https://w3id.org/hcc-kg/id/regimen/Sorafenib> a ?t }")}
    assert "HAICCombination" not in sorafenib


def _corrupt_copy(repo: Paths, tmp: Path, old: str, new: str) -> Path:
    data = tmp / "data"
    shutil.copytree(repo.data_dir, data)
    path = data / "004_haic_systemic_review.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def test_bad_record_is_rejected_and_old_build_survives(repo_paths: Paths, tmp_path: Path) -> None:
    paths = _paths(repo_paths, tmp_path)
    build(paths)
    before = current_release(paths.build_dir)
    expected = _flagship_ids(paths)
    bad = dataclasses.replace(paths, data_dir=_corrupt_copy(repo_paths, tmp_path, "p: P<0.001", "p: P<"))
    with pytest.raises(ValidationFailed) as info:
        build(bad)
    message = str(info.value)
    assert "004_haic_systemic_review.yaml" in message and "field p" in message and "P<" in message
    assert current_release(paths.build_dir) == before
    assert _flagship_ids(paths) == expected


def test_killed_build_leaves_previous_store_usable(repo_paths: Paths, tmp_path: Path) -> None:
    """Kill the build process mid-build (during reasoning); the previous build stays current."""
    paths = _paths(repo_paths, tmp_path)
    build(paths)
    before = current_release(paths.build_dir)
    expected = _flagship_ids(paths)
    env = dict(os.environ, HCC_KG_BUILD=str(paths.build_dir))
    proc = subprocess.Popen([sys.executable, "-m", "hcc_kg", "build"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline and not list((paths.build_dir / "releases").glob("*.partial")) \
            and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_release(paths.build_dir) == before
    assert _flagship_ids(paths) == expected
    build(paths)  # and the next build cleans up after the killed one
    assert not list((paths.build_dir / "releases").glob("*.partial"))


def test_missing_or_corrupt_build_says_run_build(tmp_path: Path) -> None:
    with pytest.raises(BuildMissing, match="run `hcc-kg build`"):
        KnowledgeGraph.open(tmp_path / "nothing")
    (tmp_path / "b" / "releases" / "x").mkdir(parents=True)
    (tmp_path / "b" / "current").symlink_to("releases/x")
    with pytest.raises(BuildMissing, match="hcc-kg build"):
        KnowledgeGraph.open(tmp_path / "b")


def test_manifest_lists_version_and_sources(kg: KnowledgeGraph) -> None:
    data = kg.manifest()
    assert data["version"] == "0.1.0"
    assert {"000_a7ac623c546b824a.txt", "001_e3fe8ab5a02a181e.txt", "004_b13ee0292349ace4.txt"} <= set(data["sources"])
    assert set(data["timings_s"]) == {"parse", "validate", "rdf", "reason", "sort", "load", "write", "gates"}


def test_corrupted_store_says_run_build(repo_paths: Paths, tmp_path: Path) -> None:
    paths = _paths(repo_paths, tmp_path)
    build(paths)
    store_dir = current_release(paths.build_dir) / "store"
    for path in store_dir.iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")
    with pytest.raises(BuildMissing, match="run `hcc-kg build`"):
        KnowledgeGraph.open(paths.build_dir).select(FLAGSHIP)


def _ontology_copy(repo: Paths, tmp: Path, old: str, new: str, file: str = "hcc.ttl") -> Path:
    folder = tmp / "ontology"
    shutil.copytree(repo.ontology_dir, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_violation_query_stops_the_build_naming_the_record(repo_paths: Paths, tmp_path: Path) -> None:
    """An ontology whose endpoint term lost its labels still resolves by id, so the records validate,
    but the graph breaks queries/checks/term_not_in_ontology.rq: the build stops before the swap."""
    paths = _paths(repo_paths, tmp_path)
    build(paths)
    before = current_release(paths.build_dir)
    unlabelled = _ontology_copy(repo_paths, tmp_path, 'rdfs:label "disease control rate"@en , "疾病控制率"@zh ;',
                                "")
    with pytest.raises(GateFailed) as info:
        build(dataclasses.replace(paths, ontology_dir=unlabelled))
    lines = str(info.value).splitlines()
    assert "the previous release stays current" in lines[0]
    assert any(line.strip().startswith("record finding/f") and "DiseaseControlRate" in line
               and "[check term_not_in_ontology]" in line for line in lines[1:])
    assert current_release(paths.build_dir) == before
    assert not list((paths.build_dir / "releases").glob("*.partial")), "the staging folder is removed"


def test_shacl_shape_stops_the_build_naming_the_record(repo_paths: Paths, tmp_path: Path) -> None:
    """A shape the graph does not meet (every study must name a trial registry id) fails the build."""
    paths = _paths(repo_paths, tmp_path)
    strict = _ontology_copy(repo_paths, tmp_path, "hccsh:Study a sh:NodeShape ;\n    sh:targetClass hcc:Study ;",
                            "hccsh:Study a sh:NodeShape ;\n    sh:targetClass hcc:Study ;\n"
                            "    sh:property [ sh:path hcc:registryId ; sh:minCount 1 ] ;", file="shapes.ttl")
    with pytest.raises(GateFailed) as info:
        build(dataclasses.replace(paths, ontology_dir=strict))
    assert any(v.record == "study/s004-he2019" and v.message.startswith("hcc:registryId: Less than 1 values")
               and v.check == "shapes shapes.ttl" for v in info.value.violations)
    with pytest.raises(BuildMissing):
        Release.current(paths.build_dir)


def test_concurrent_builds_wait_for_each_other(repo_paths: Paths, tmp_path: Path) -> None:
    """Three `hcc-kg build`s into one folder at once: all succeed, one release is current and whole."""
    build_dir = tmp_path / "build"
    env = dict(os.environ, HCC_KG_BUILD=str(build_dir))
    procs = [subprocess.Popen([sys.executable, "-m", "hcc_kg", "build"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], [err for _, err in results]
    assert not any("Traceback" in err for _, err in results)
    assert "f004-zheng2022-os" in _flagshipids_at(build_dir, repo_paths)
    releases = sorted(p.name for p in (build_dir / "releases").iterdir())
    assert not [r for r in releases if r.endswith(".partial")]
    assert len(releases) == 2, "the current release and the one before it"


def _flagshipids_at(build_dir: Path, repo: Paths) -> set[str]:
    return _flagship_ids(dataclasses.replace(repo, build_dir=build_dir))


def test_non_editable_install_builds_and_queries_from_any_folder(repo_paths: Paths, tmp_path: Path) -> None:
    """`pip install .` (not editable): the ontology, shapes and saved queries ship as package data, and
    the CLI works from an unrelated folder with --data, --seeds and --build-dir."""
    target = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--target", str(target), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    assert (target / "hcc_kg" / "_ontology" / "hcc.ttl").is_file()
    assert (target / "hcc_kg" / "_queries" / "checks" / "arm_not_in_study.rq").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCC_KG_")}
    env["PYTHONPATH"] = str(target)

    def hcc_kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hcc_kg", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)

    where = hcc_kg("--version")
    assert where.returncode == 0
    probe = subprocess.run([sys.executable, "-c", "import hcc_kg; print(hcc_kg.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == str(target / "hcc_kg" / "__init__.py"), "the installed copy, not the checkout"
    built = hcc_kg("build", "--data", str(repo_paths.data_dir), "--seeds", str(repo_paths.seeds_dir),
                   "--build-dir", str(tmp_path / "b"))
    assert built.returncode == 0, built.stderr
    listed = hcc_kg("query", "list")
    assert listed.returncode == 0 and "01_haic_combinations_os_pvi" in listed.stdout
    ran = hcc_kg("query", "run", FLAGSHIP, "--build-dir", str(tmp_path / "b"), "--format", "csv")
    assert ran.returncode == 0, ran.stderr
    assert "f004-he2019-os," in ran.stdout and "FOLFOX-HAIC + sorafenib,sorafenib" in ran.stdout


# --- issue 13: every new record field reaches the graph (tests/model: real quotes, every new field) -----

MODEL = Path(__file__).resolve().parent / "model"
F = "https://w3id.org/hcc-kg/id/finding/"
PREFIX = "PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@pytest.fixture(scope="module")
def model(repo_paths: Paths, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """A build of tests/model alone."""
    paths = dataclasses.replace(repo_paths, build_dir=tmp_path_factory.mktemp("model"), data_dir=MODEL)
    build(paths)
    return KnowledgeGraph.open(paths.build_dir, paths=paths)


def _ask(kg: KnowledgeGraph, where: str) -> set[str]:
    """The local names of ?x in the answer to a SELECT over ``where``."""
    rows = kg.backend.store.query(PREFIX + f"SELECT DISTINCT ?x WHERE {{ {where} }}")  # type: ignore[attr-defined]
    return {row["x"].value.rsplit("/", 1)[-1] if row["x"].value.startswith("http") else row["x"].value
            for row in rows}


def test_timepoint_in_years_is_queryable_in_months(model: KnowledgeGraph) -> None:
    """002: "局部治疗组 1、2、3、5 年 OS 率 ... 35.3% vs. 8.7%" is curated at '3 years' and asked for as 36 months."""
    assert _ask(model, "?x hcc:timepointMonths ?m FILTER(?m = 36)") == {"fm2-os-3y"}
    assert _ask(model, f"<{F}fm2-os-3y> hcc:timepoint ?x") == {"3 years"}


def test_timepoint_months_from_the_curated_text() -> None:
    from hcc_kg.build.rdf import timepoint_months

    assert timepoint_months("3 years") == 36 and timepoint_months("1.5 years") == 18
    assert timepoint_months("6 months") == 6 and timepoint_months("1 month") == 1
    assert timepoint_months("12 weeks") is None and timepoint_months(None) is None


def test_printed_decimals_come_back_as_printed(model: KnowledgeGraph) -> None:
    """000 Table 3 prints "8.0 (6.0 ~ 10.0) VS. 22.0 (9.0 ~ 38.0)": the store says 8, every reader 8.0."""
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:valuePrinted ?x") == {"8.0"}
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:comparatorCiUpperPrinted ?x") == {"38.0"}
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:value ?v FILTER(?v = 8) BIND(\"numeric\" AS ?x)") == {"numeric"}
    finding = model.findings(["fm0-os-pvtt"])[0]
    assert (str(finding.value), str(finding.ci_low), str(finding.comparator_value)) == ("8.0", "6.0", "22.0")
    assert (str(finding.comparator_ci_low), str(finding.comparator_ci_high)) == ("9.0", "38.0")


def test_within_cohort_groups_are_nodes_with_criteria(model: KnowledgeGraph) -> None:
    """PVTT yes vs no: the value's level includes PVTT, the comparator's level excludes it."""
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:group ?g . ?g a hcc:Group ; hcc:includesCriterion ?x") \
        == {"PortalVeinTumourThrombus"}
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:comparatorGroup ?x") == {"comparator-group"}
    assert _ask(model, f"<{F}fm0-os-pvtt> hcc:comparatorGroup/hcc:excludesCriterion ?x") \
        == {"PortalVeinTumourThrombus"}
    assert _ask(model, "?x hcc:group/hcc:includesCriterion hcc:ObjectiveResponse ; "
                       "hcc:comparatorGroup/hcc:includesCriterion hcc:NonResponse") == {"fm0-os-response"}
    finding = model.findings(["fm0-os-pvtt"])[0]
    assert finding.group is not None and finding.group.label == "portal vein tumour thrombi present"
    assert finding.comparator_group is not None and finding.comparator_group.excludes == ("PortalVeinTumourThrombus",)
    assert finding.site == "Lung"


def test_status_counts_sd_ranges_and_comparator_cis(model: KnowledgeGraph) -> None:
    found = {f.id: f for f in model.findings(["fm2-os-nr", "fm2-deaths", "fm2-age", "fm2-followup",
                                              "fm0-os-response", "fm1-survey"])}
    not_reached = found["fm2-os-nr"]
    assert not_reached.value is None and not_reached.value_status == "not-reached"
    assert (str(not_reached.comparator_ci_low), str(not_reached.comparator_ci_high)) == ("13.3", "19.1")
    assert _ask(model, '?x hcc:valueStatus "not-reached"') == {"fm2-os-nr"}
    deaths = found["fm2-deaths"]
    assert (str(deaths.value), deaths.count, deaths.denominator) == ("42.1", 32, 76)
    assert (str(found["fm2-age"].value), str(found["fm2-age"].sd)) == ("52", "12.3")
    follow = found["fm2-followup"]
    assert (str(follow.range_low), str(follow.range_high), follow.range_kind) == ("2.5", "72.0", "range")
    response = found["fm0-os-response"]
    assert (str(response.comparator_range_low), str(response.comparator_range_high)) == ("3.0", "9.0")
    assert (found["fm1-survey"].count, found["fm1-survey"].denominator) == (191, 257)


def test_favours_and_tested_mark_untested_differences(model: KnowledgeGraph) -> None:
    """The 3-year OS rates (35.3% vs 8.7%) favour local therapy; the sentence prints no P for them."""
    assert _ask(model, '?x hcc:favours "arm" ; hcc:tested false') == {"fm2-os-3y", "fm2-os-nr", "fm0-os-response"}
    assert _ask(model, '?x hcc:tested true') == {"fm0-os-pvtt"}
    assert _ask(model, "?x a hcc:Finding FILTER NOT EXISTS { ?x hcc:tested ?t }") \
        >= {"fm2-deaths", "fm2-ned-os"}, "tested is written only for comparisons"


def test_correlation_carries_its_second_variable(model: KnowledgeGraph) -> None:
    assert _ask(model, "?x hcc:measuredVariable hcc:OverallSurvival ; hcc:correlatedWith hcc:CumulativeNEDDuration") \
        == {"fm2-ned-os"}


def test_population_union_disease_and_subjects(model: KnowledgeGraph) -> None:
    assert _ask(model, "<https://w3id.org/hcc-kg/id/study/sm2-yang/population> hcc:anyOfCriterion ?x") \
        == {"ChildPughA", "ChildPughB"}
    assert _ask(model, "?f a hcc:Finding ; hcc:population/hcc:disease ?x") \
        == {"HepatocellularCarcinoma", "ColorectalLiverMetastasis"}, "the default disease is written explicitly"
    assert _ask(model, "?x a hcc:Finding FILTER NOT EXISTS { ?x hcc:population/hcc:disease hcc:HepatocellularCarcinoma }") \
        == {"fm2-crlm-os"}
    assert _ask(model, '?x a hcc:Finding ; hcc:population/hcc:subjects "clinicians"') == {"fm1-survey"}
    from hcc_kg.export.selection import Selection

    assert "fm1-survey" not in {i.rsplit("/", 1)[-1] for i in model.subset_findings(Selection(population="TACERefractory"))}
    assert "fm1-survey" in {i.rsplit("/", 1)[-1] for i in model.subset_findings(Selection())}


def test_cadonilimab_arm_is_found_under_pd1_and_ctla4_inhibitors(model: KnowledgeGraph) -> None:
    for cls in ("PD1Inhibitor", "CTLA4Inhibitor", "ImmuneCheckpointInhibitor"):
        assert _ask(model, f"?x hcc:exposure/hcc:regimen/hcc:hasComponent/a/rdfs:subClassOf* hcc:{cls}") \
            == {"fm4-tao-activity"}, cls
    assert _ask(model, "<https://w3id.org/hcc-kg/id/regimen/FOLFOXHAIC+Cadonilimab> a ?x") \
        >= {"HAICImmuneCombination", "HAICCombination"}


def test_recommendations_are_typed_and_linked_to_definitions(model: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert _ask(model, "?x a hcc:Recommendation ; hcc:aboutDefinition ?d . ?d a hcc:RefractorinessDefinition") \
        == {"rm1-cs"}
    statements = _ask(kg, "{ ?x a hcc:ConsensusStatement } UNION { ?x a hcc:TreatmentStrategy }")
    assert len(statements) >= 5 and _ask(kg, "?x a hcc:Recommendation") == statements


def test_definition_criteria_as_data(model: KnowledgeGraph) -> None:
    """JSH-LCSGJ 2014: 2 consecutive sessions, CT/MRI within 1~3 months, what counts as failure."""
    d = "<https://w3id.org/hcc-kg/id/definition/dm1-jsh>"
    assert _ask(model, f"{d} hcc:hasCriterion/hcc:sessions ?x") == {"2"}
    assert _ask(model, f"{d} hcc:hasCriterion [ hcc:sessions 2 ; hcc:consecutive ?x ]") == {"true"}
    assert _ask(model, f"{d} hcc:hasCriterion/hcc:windowMonths ?m FILTER(?m = 3) BIND(\"3\" AS ?x)") == {"3"}
    assert _ask(model, f"{d} hcc:hasCriterion/hcc:imagingModality ?x") \
        == {"ComputedTomography", "MagneticResonanceImaging"}
    assert _ask(model, "?x hcc:hasCriterion/hcc:countsEvent hcc:NewIntrahepaticLesion") == {"dm1-jsh"}
    assert _ask(model, f"{d} hcc:hasCriterion/hcc:countsEvent ?x") == {
        "ViableTumourOver50Percent", "NewIntrahepaticLesion", "MacrovascularInvasion", "ExtrahepaticMetastasis",
        "TumourMarkerRise"}


def test_criterion_iris_come_from_content_not_row_order(repo_paths: Paths, tmp_path: Path) -> None:
    import yaml

    from hcc_kg.build.rdf import GraphWriter
    from hcc_kg.curation.validate import validate

    def criterion_iris(folder: Path) -> set[str]:
        data, issues = validate(folder, repo_paths.ontology, repo_paths.seeds_dir)
        assert not issues, issues
        writer = GraphWriter(data.terms)
        for file in data.files:
            writer.add_file(file)
        return {q.object.value for q in writer.quads if q.predicate.value.endswith("/hasCriterion")}

    before = criterion_iris(MODEL)
    reordered = tmp_path / "model"
    shutil.copytree(MODEL, reordered)
    path = reordered / "001_model.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["definitions"][0]["criteria"].reverse()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = criterion_iris(reordered)
    assert after == before and len(before) == 5
    assert all("/criterion/" in i for i in before)
    assert "https://w3id.org/hcc-kg/id/definition/dm1-jsh/criterion/sessions-1b4f4cf8" in before


def test_between_studies_conflict_with_its_explanation(model: KnowledgeGraph) -> None:
    c = "<https://w3id.org/hcc-kg/id/conflict/cm4-between>"
    assert _ask(model, f'{c} hcc:conflictKind ?x') == {"between-studies"}
    assert _ask(model, f"{c} hcc:explainedBy ?x") == {"ChildPughB"}
    assert _ask(model, f'{c} hcc:explanation ?x FILTER(lang(?x) = "en")') == {"the studies differ in Child-Pugh class"}


def test_every_real_population_names_its_disease_and_subjects(kg: KnowledgeGraph) -> None:
    assert _ask(kg, "?x a hcc:Population FILTER NOT EXISTS { ?x hcc:disease ?d ; hcc:subjects ?s }") == set()


def test_shapes_catch_counts_above_denominators_and_a_value_with_a_status(repo_paths: Paths) -> None:
    from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

    from hcc_kg.build.gates import shacl_violations
    from hcc_kg.build.pipeline import ontology_quads, skolemize

    h, x = "https://w3id.org/hcc-kg/ontology/", "http://www.w3.org/2001/XMLSchema#"
    f = NamedNode(F + "bad")
    quads = skolemize(ontology_quads(repo_paths.ontology)) + [
        Quad(f, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(h + "Finding")),
        Quad(f, NamedNode(h + "count"), Literal("80", datatype=NamedNode(x + "integer"))),
        Quad(f, NamedNode(h + "denominator"), Literal("76", datatype=NamedNode(x + "integer"))),
        Quad(f, NamedNode(h + "value"), Literal("3.0", datatype=NamedNode(x + "decimal"))),
        Quad(f, NamedNode(h + "valueStatus"), Literal("not-reached")),
        Quad(f, NamedNode(h + "favours"), Literal("both")),
    ]
    found = [v for v in shacl_violations(serialize(quads, format=RdfFormat.N_TRIPLES) or b"", repo_paths.shapes)
             if v.record == "finding/bad"]
    messages = " | ".join(v.message for v in found)
    assert "no greater than its denominator" in messages
    assert "a value and a status exclude each other" in messages
    assert any(v.message.startswith("hcc:favours") for v in found)
