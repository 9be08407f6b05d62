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

from hcc_kg.build import build
from hcc_kg.config import Paths
from hcc_kg.errors import BuildMissing, ValidationFailed
from hcc_kg.queries import find_query, run
from hcc_kg.store import current_release, graph_file, open_store

FLAGSHIP = "01_haic_combinations_os_pvi"


def _paths(repo: Paths, tmp: Path, data_dir: Path | None = None) -> Paths:
    return dataclasses.replace(repo, build_dir=tmp / "build", data_dir=data_dir or repo.data_dir)


def _flagship_ids(paths: Paths) -> set[str]:
    answer = run(find_query(paths.queries_dir, FLAGSHIP), {}, build_dir=paths.build_dir, ontology=paths.ontology)
    return {row["finding"] for row in answer.values()}


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
    answer = run(find_query(paths.queries_dir, FLAGSHIP), {"population": "MajorPVTT"}, build_dir=paths.build_dir,
                 ontology=paths.ontology)
    assert "f004-he2019-os" not in {r["finding"] for r in answer.values()}, "broader population must not match"


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
        open_store(tmp_path / "nothing")
    (tmp_path / "b" / "releases" / "x").mkdir(parents=True)
    (tmp_path / "b" / "current").symlink_to("releases/x")
    with pytest.raises(BuildMissing, match="hcc-kg build"):
        open_store(tmp_path / "b")


def test_manifest_lists_version_and_sources(built) -> None:  # type: ignore[no-untyped-def]
    from hcc_kg.store import manifest

    data = manifest(built[0].build_dir)
    assert data["version"] == "0.1.0"
    assert {"000_a7ac623c546b824a.txt", "001_e3fe8ab5a02a181e.txt", "004_b13ee0292349ace4.txt"} <= set(data["sources"])
    assert set(data["timings_s"]) == {"parse", "validate", "rdf", "reason", "sort", "load", "write"}


def test_corrupted_store_says_run_build(repo_paths: Paths, tmp_path: Path) -> None:
    paths = _paths(repo_paths, tmp_path)
    build(paths)
    store_dir = current_release(paths.build_dir) / "store"
    for path in store_dir.iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")
    with pytest.raises(BuildMissing, match="run `hcc-kg build`"):
        open_store(paths.build_dir)
