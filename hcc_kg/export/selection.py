"""What one export holds (no heavy imports: the CLI builds one before anything is opened)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """What one export holds: a part of the release, a subset of findings, or a saved CONSTRUCT's answer.

    Subset filters are term names (ids, English or Chinese labels); each includes its subclasses.
    """

    part: str = "all"
    therapy: str | None = None
    population: str | None = None
    endpoint: str | None = None
    source: str | None = None
    construct: str | None = None
    timestamp: str | None = None
    findings: tuple[str, ...] = ()
    """Findings named one by one (curated ids): exactly an answer's findings, say; combined with the
    filters, the export holds the named findings that also pass them."""

    def is_subset(self) -> bool:
        """Whether this selection chooses findings (rather than a part of the whole release)."""
        return bool(self.filters() or self.findings)

    def filters(self) -> dict[str, str]:
        """The subset filters that are set, as parameters of ``queries/api/subset_findings.rq``."""
        given = {"therapy": self.therapy, "population": self.population, "endpoint": self.endpoint,
                 "source": self.source}
        return {k: v for k, v in given.items() if v}
