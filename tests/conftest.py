"""Shared fixtures: the curated dataset, checked once per session, and a fresh build."""

from __future__ import annotations

import pytest

from hcc_kg.config import Paths
from hcc_kg.validate import Dataset, validate


@pytest.fixture(scope="session")
def paths() -> Paths:
    return Paths()


@pytest.fixture(scope="session")
def dataset(paths: Paths) -> Dataset:
    """The real curated data; the session fails loudly if it does not validate."""
    data, issues = validate(paths.data_dir, paths.ontology, paths.seeds_dir)
    assert not issues, "\n".join(map(str, issues))
    return data


@pytest.fixture(scope="session")
def records(dataset: Dataset) -> dict[str, object]:
    """Every curated record by id."""
    return dataset.records()
