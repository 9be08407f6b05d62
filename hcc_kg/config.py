"""Where things live: the repository's ontology, data and queries, the shared seeds, the build."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Layout of one release folder under build/releases/ (build/current links to the newest good one).
GRAPH_FILE = "hcc-kg.ttl"
STORE_DIR = "store"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Paths:
    """The locations one run works with; tests make their own."""

    ontology_dir: Path = REPO / "ontology"
    data_dir: Path = REPO / "data"
    queries_dir: Path = REPO / "queries"
    seeds_dir: Path = Path(os.environ.get("HCC_KG_SEEDS", REPO.parent / "shared" / "seeds"))
    build_dir: Path = Path(os.environ.get("HCC_KG_BUILD", REPO / "build"))

    @property
    def ontology(self) -> Path:
        return self.ontology_dir / "hcc.ttl"

    @property
    def shapes(self) -> Path:
        return self.ontology_dir / "shapes.ttl"
