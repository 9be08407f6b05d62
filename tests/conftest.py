"""Shared fixtures: the curated dataset, checked once per session, and one real build of it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hcc_kg.build import BuildResult, build
from hcc_kg.config import Paths
from hcc_kg.validate import Dataset, validate


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
def store(built: tuple[Paths, BuildResult]):  # type: ignore[no-untyped-def]
    from hcc_kg.store import open_store

    return open_store(built[0].build_dir)


@pytest.fixture(scope="session")
def graph_ttl(built: tuple[Paths, BuildResult]) -> Path:
    from hcc_kg.store import graph_file

    return graph_file(built[0].build_dir)
