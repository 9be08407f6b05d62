"""Shared fixtures: the curated dataset, checked once per session; one real build of it; the library
object over it; and the three backends of the shared backend suite."""

from __future__ import annotations

import dataclasses
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import start_server  # noqa: E402

from hcc_kg import KnowledgeGraph  # noqa: E402
from hcc_kg.build.pipeline import BuildResult, build  # noqa: E402
from hcc_kg.config import Paths  # noqa: E402
from hcc_kg.curation.validate import Dataset, validate  # noqa: E402
from hcc_kg.release.layout import Release  # noqa: E402

BACKENDS = ("disk", "memory", "endpoint")


@pytest.fixture(scope="session")
def repo_paths() -> Paths:
    """The repository's own ontology, data, queries and the shared seeds."""
    return Paths()


@pytest.fixture(scope="session")
def dataset(repo_paths: Paths) -> Dataset:
    """The real curated data; the session fails loudly if it does not validate."""
    data, issues = validate(repo_paths.data_dir, repo_paths.ontology, repo_paths.seeds_dir)
    assert not issues, "\n".join(map(str, issues))
    return data


@pytest.fixture(scope="session")
def records(dataset: Dataset) -> dict[str, object]:
    """Every curated record by id."""
    return dataset.records()


@pytest.fixture(scope="session")
def built(repo_paths: Paths, tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, BuildResult]:
    """One build of the real data into a temporary build folder, shared by the read-only tests."""
    paths = dataclasses.replace(repo_paths, build_dir=tmp_path_factory.mktemp("build"))
    return paths, build(paths)


@pytest.fixture(scope="session")
def release(built: tuple[Paths, BuildResult]) -> Release:
    return Release.current(built[0].build_dir)


@pytest.fixture(scope="session")
def kg(built: tuple[Paths, BuildResult]) -> KnowledgeGraph:
    """The library object on the built release's on-disk store."""
    return KnowledgeGraph.open(built[0].build_dir, paths=built[0])


@pytest.fixture(scope="session")
def store(kg: KnowledgeGraph):  # type: ignore[no-untyped-def]
    """The release's pyoxigraph store (for tests of SPARQL the library itself does not hold)."""
    return kg.backend.store  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def graph_ttl(release: Release) -> Path:
    return release.graph_file


@pytest.fixture(scope="session")
def served(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only Oxigraph server on a copy of the release's store; yields its base URL."""
    location = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(release.store_dir, location)
    proc, base = start_server(location, allow_update=False)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session", params=BACKENDS)
def any_kg(request: pytest.FixtureRequest, built: tuple[Paths, BuildResult]) -> KnowledgeGraph:
    """The same release behind each backend of the contract."""
    paths = built[0]
    if request.param == "disk":
        return request.getfixturevalue("kg")  # type: ignore[no-any-return]
    if request.param == "memory":
        return KnowledgeGraph.open(paths.build_dir, in_memory=True, paths=paths)
    return KnowledgeGraph.connect(request.getfixturevalue("served") + "/query", paths=paths)
