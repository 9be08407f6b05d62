"""Where things live: the shipped ontology and saved queries, the curator's data, the seeds, the build.

The ontology, shapes and saved queries are package data (``hcc_kg/_ontology``, ``hcc_kg/_queries``,
mapped from the repository's ``ontology/`` and ``queries/`` by ``pyproject.toml``), so an installed
package finds them; in a source checkout they are read from the repository itself. Environment
variables are read when a ``Paths`` is made (each command run), never at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent


def _resource(name: str, repo_folder: str) -> Path:
    """A shipped folder: the installed package's copy, else the source checkout's own folder."""
    shipped = PACKAGE / name
    return shipped if shipped.is_dir() else REPO / repo_folder


def _in_checkout(folder: str) -> Path:
    """Default for the curator's folders: the checkout's own when run from one, else the working folder."""
    return REPO / folder if (REPO / "pyproject.toml").is_file() else Path.cwd() / folder


def _seeds() -> Path:
    if "HCC_KG_SEEDS" in os.environ:
        return Path(os.environ["HCC_KG_SEEDS"])
    return REPO.parent / "shared" / "seeds" if (REPO / "pyproject.toml").is_file() else Path.cwd() / "seeds"


def _build() -> Path:
    return Path(os.environ["HCC_KG_BUILD"]) if "HCC_KG_BUILD" in os.environ else _in_checkout("build")


@dataclass(frozen=True)
class Paths:
    """The locations one run works with; the CLI fills them from options, tests make their own."""

    ontology_dir: Path = field(default_factory=lambda: _resource("_ontology", "ontology"))
    queries_dir: Path = field(default_factory=lambda: Path(os.environ["HCC_KG_QUERIES"])
                              if "HCC_KG_QUERIES" in os.environ else _resource("_queries", "queries"))
    data_dir: Path = field(default_factory=lambda: _in_checkout("data"))
    seeds_dir: Path = field(default_factory=_seeds)
    build_dir: Path = field(default_factory=_build)

    @property
    def ontology(self) -> Path:
        """The OWL ontology: the terms records name, and the axioms the reasoner uses."""
        return self.ontology_dir / "hcc.ttl"

    @property
    def shapes(self) -> Path:
        """The SHACL shapes every built graph and export must conform to."""
        return self.ontology_dir / "shapes.ttl"

    @property
    def checks_dir(self) -> Path:
        """Violation queries: any row one returns fails the build (ODK style)."""
        return self.queries_dir / "checks"

    @property
    def api_dir(self) -> Path:
        """Queries the library itself runs (statistics, export subsets, the term index)."""
        return self.queries_dir / "api"
