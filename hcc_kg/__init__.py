"""hcc-kg: a structured evidence knowledge graph for the treatment of hepatocellular carcinoma."""

from __future__ import annotations

__version__ = "0.1.0"
