"""hcc-kg: a structured evidence knowledge graph for the treatment of hepatocellular carcinoma.

``from hcc_kg import KnowledgeGraph`` is the library API (see ``hcc_kg.api``); it is imported on first
use, so ``hcc-kg --help`` does not pay for pyoxigraph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "__version__"]

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from hcc_kg.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'hcc_kg' has no attribute {name!r}")
