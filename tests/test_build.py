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
    assert "f004-he2019-os,FOLFOX-HAIC + sorafenib,sorafenib" in ran.stdout
