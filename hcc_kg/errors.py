"""Error types: every problem names its file, record, field and (where known) line."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Issue:
    """One validation problem, located precisely enough for a curator to fix it."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = ", ".join(
            part for part in (f"record {self.record}" if self.record else "",
                              f"field {self.field}" if self.field else "") if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"

    def as_dict(self) -> dict[str, object]:
        """The issue as data, for JSON output."""
        return asdict(self)


class HccKgError(Exception):
    """Base class for errors the CLI reports as one clear message and a non-zero exit."""


class ValidationFailed(HccKgError):
    """Curated records failed validation; carries every issue found, not only the first."""

    def __init__(self, issues: list[Issue]):
        self.issues = sorted(set(issues), key=lambda i: (i.file, i.line or 0, str(i)))
        shown = "\n".join(f"  {i}" for i in self.issues[:50])
        more = f"\n  ... and {len(self.issues) - 50} more" if len(self.issues) > 50 else ""
        super().__init__(f"{len(self.issues)} validation error(s):\n{shown}{more}")


class BuildMissing(HccKgError):
    """No usable build: the user must run `hcc-kg build`."""


class QueryError(HccKgError):
    """A saved query, its header or its parameters are wrong."""


class EndpointError(HccKgError):
    """A remote SPARQL endpoint was down, slow, or answered with an error."""
