"""hcc-kg stats: what the graph holds per source document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hcc_kg.namespaces import BIBO, DCTERMS, HCC

STATS_QUERY = f"""
PREFIX hcc: <{HCC}>
PREFIX dcterms: <{DCTERMS}>
PREFIX bibo: <{BIBO}>
SELECT ?file
  (COUNT(DISTINCT ?study) AS ?studies) (COUNT(DISTINCT ?finding) AS ?findings)
  (COUNT(DISTINCT ?doiFinding) AS ?findingsWithDoi)
  (COUNT(DISTINCT ?rec) AS ?recommendations) (COUNT(DISTINCT ?def) AS ?definitions)
  (COUNT(DISTINCT ?conflict) AS ?conflicts)
WHERE {{
  ?src a hcc:SourceDocument ; hcc:sourceFile ?file .
  {{ ?study a hcc:Study ; dcterms:source ?src }}
  UNION {{ ?finding a hcc:Finding ; dcterms:source ?src .
          OPTIONAL {{ ?finding hcc:citedReference/bibo:doi ?doi . BIND(?finding AS ?doiFinding) }} }}
  UNION {{ ?rec a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* hcc:Recommendation ; dcterms:source ?src }}
  UNION {{ ?def a hcc:RefractorinessDefinition ; dcterms:source ?src }}
  UNION {{ ?conflict a hcc:Conflict ; dcterms:source ?src }}
}}
GROUP BY ?file ORDER BY ?file
"""


@dataclass(frozen=True)
class SourceStats:
    """Counts for one source document."""

    file: str
    studies: int
    findings: int
    findings_with_doi: int
    recommendations: int
    definitions: int
    conflicts: int

    @property
    def doi_share(self) -> float:
        """Share of findings whose primary (cited) publication has a DOI."""
        return self.findings_with_doi / self.findings if self.findings else 0.0


def source_stats(store: Any) -> list[SourceStats]:
    """One row per source document of the built graph."""
    rows = []
    for row in store.query(STATS_QUERY):
        rows.append(SourceStats(row["file"].value, *(int(row[v].value) for v in (
            "studies", "findings", "findingsWithDoi", "recommendations", "definitions", "conflicts"))))
    return rows


def render(stats: list[SourceStats]) -> str:
    header = f"{'source document':32} {'studies':>7} {'findings':>8} {'with DOI':>9} {'recs':>5} {'defs':>5} {'conflicts':>9}"
    lines = [header, "-" * len(header)]
    total = SourceStats("total", *(sum(getattr(s, f) for s in stats) for f in (
        "studies", "findings", "findings_with_doi", "recommendations", "definitions", "conflicts")))
    for s in [*stats, total]:
        lines.append(f"{s.file:32} {s.studies:7} {s.findings:8} {s.findings_with_doi:4} {s.doi_share:4.0%} "
                     f"{s.recommendations:5} {s.definitions:5} {s.conflicts:9}")
    return "\n".join(lines) + "\n"
