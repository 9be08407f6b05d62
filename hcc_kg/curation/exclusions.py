"""Reviewed exclusions of the coverage audit: ``data/exclusions/NNN.yaml``, one file per source document.

```yaml
source: src000
exclusions:
- passage: the verbatim sentence or table row (whitespace-insensitive, as in quotes)
  reason: background epidemiology
```

The file is read as safely as a data file (``records.load_file``): at most 5 MB, UTF-8, no YAML
anchors or aliases, unknown fields refused, and every problem is one line naming file, line and
field. ``NNN`` is the number of the source document (its file in the seeds folder starts ``NNN_``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hcc_kg.curation.provenance import MIN_CONTEXT, context_length
from hcc_kg.curation.records import (
    ID_PATTERN,
    Model,
    _line_at,
    _strip_lines,
    read_yaml,
)
from hcc_kg.errors import Issue

EXCLUSION_SUFFIXES = (".yaml", ".yml")


class Exclusion(Model):
    """One numbered passage that is reviewed and found not to be evidence, with the reason."""

    passage: str
    reason: str

    @field_validator("passage", "reason")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("passage")
    @classmethod
    def _identifies(cls, value: str) -> str:
        if value.strip() and context_length(value) < MIN_CONTEXT:
            raise ValueError(f"a passage identifies its sentence or row: it needs at least {MIN_CONTEXT} "
                             "characters besides numbers and whitespace, as a quote does")
        return value


class ExclusionFile(Model):
    """All exclusions of one source document."""

    source: str = Field(pattern=ID_PATTERN)
    exclusions: list[Exclusion] = []


class LoadedExclusions(BaseModel):
    """A parsed exclusions file, with the line of each entry for messages."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    path: Path
    display: str
    data: ExclusionFile
    raw: dict[str, Any]

    @property
    def number(self) -> str:
        """The source document's number, from the file name (``004.yaml`` -> ``004``)."""
        return self.path.stem

    def line_of(self, index: int, field: str = "passage") -> int | None:
        """The line of exclusion ``index`` (0-based), at ``field`` when it has one."""
        items = self.raw.get("exclusions") or []
        if index < len(items) and isinstance(items[index], dict):
            item = items[index]
            return item.get("__lines__", {}).get(field, item.get("__line__"))
        return None


def exclusion_paths(folder: Path) -> list[Path]:
    """The exclusions files in ``folder`` (``*.yaml`` and ``*.yml``; none when it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in EXCLUSION_SUFFIXES and p.is_file())


def load_exclusions(path: Path, display: str | None = None) -> tuple[LoadedExclusions | None, list[Issue]]:
    """Parse and schema-check one exclusions file; never raises on bad content, returns issues instead."""
    shown = display or str(path)
    if not re.fullmatch(r"\d{3}", path.stem):
        return None, [Issue(shown, None, None, None,
                            "an exclusions file is named after its source document's number, e.g. 004.yaml")]
    raw, problems = read_yaml(path, shown, "'source' and 'exclusions'")
    if raw is None:
        return None, problems
    try:
        data = ExclusionFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, _ = _line_at(raw, loc)
            names = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
            field = ".".join(names).replace(".[", "[") or None
            message = " ".join(err["msg"].removeprefix("Value error, ").split())
            if err["type"] == "extra_forbidden":
                message = f"unknown field {loc[-1]!r} (an exclusion has passage and reason)"
            elif err["type"] == "missing":
                message = f"missing required field {loc[-1]!r}"
            issues.append(Issue(shown, line, None, field, message))
        return None, issues
    return LoadedExclusions(path=path, display=shown, data=data, raw=raw), []
