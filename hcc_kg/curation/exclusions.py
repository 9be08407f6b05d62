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
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hcc_kg.curation.provenance import MIN_CONTEXT, context_length
from hcc_kg.curation.records import (
    ID_PATTERN,
    MAX_FILE_BYTES,
    Model,
    _first_anchor,
    _line_at,
    _LineLoader,
    _strip_lines,
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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Issue(shown, None, None, None, f"file is {size} bytes, over the "
                                f"{MAX_FILE_BYTES}-byte limit for one data file")]
        with path.open("rb") as handle:
            raw_bytes = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Issue(shown, None, None, None, f"cannot read file: {exc.strerror or exc}")]
    if len(raw_bytes) > MAX_FILE_BYTES:  # it grew after stat
        return None, [Issue(shown, None, None, None,
                            f"file is over the {MAX_FILE_BYTES}-byte limit for one data file")]
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Issue(shown, raw_bytes[: exc.start].count(b"\n") + 1, None, None,
                            f"file is not UTF-8 (byte {exc.start}: {exc.reason})")]
    if not text.strip():
        return None, [Issue(shown, None, None, None, "file is empty")]
    alias = _first_anchor(text)
    if alias is not None:
        return None, [alias.at(shown)]
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        return None, [Issue(shown, mark.line + 1 if mark else None, None, None, f"malformed YAML: {problem}")]
    except (ValueError, InvalidOperation, RecursionError) as exc:
        return None, [Issue(shown, None, None, None, f"malformed YAML: {' '.join(str(exc).split())}")]
    if not isinstance(raw, dict):
        return None, [Issue(shown, 1, None, None,
                            "top level must be a mapping with 'source' and 'exclusions'")]
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
