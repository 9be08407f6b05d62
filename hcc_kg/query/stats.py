"""hcc-kg stats: what the graph holds per source document (``queries/api/source_stats.rq``)."""

from __future__ import annotations

from dataclasses import dataclass

from hcc_kg.query.results import Rows

COLUMNS = ("studies", "findings", "findingsWithDoi", "recommendations", "definitions", "conflicts")


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


def from_rows(rows: Rows) -> list[SourceStats]:
    """One SourceStats per row of the statistics query."""
    return [SourceStats(row["file"]["value"], *(int(row[c]["value"]) for c in COLUMNS)) for row in rows]


def render(stats: list[SourceStats]) -> str:
    """A fixed-width table with a total line."""
    header = (f"{'source document':32} {'studies':>7} {'findings':>8} {'with DOI':>9} "
              f"{'recs':>5} {'defs':>5} {'conflicts':>9}")
    lines = [header, "-" * len(header)]
    total = SourceStats("total", *(sum(getattr(s, f) for s in stats) for f in (
        "studies", "findings", "findings_with_doi", "recommendations", "definitions", "conflicts")))
    for s in [*stats, total]:
        lines.append(f"{s.file:32} {s.studies:7} {s.findings:8} {s.findings_with_doi:4} {s.doi_share:4.0%} "
                     f"{s.recommendations:5} {s.definitions:5} {s.conflicts:9}")
    return "\n".join(lines) + "\n"
