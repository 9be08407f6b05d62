"""Curator reviews of plausibility flags: ``data/reviews/NNN.yaml``, one file per source document.

A review says what a person found when they read the flagged numbers in the source:

- ``confirmed``: the source is wrong. The flag becomes a recorded contradiction (an ``hcc:Conflict``
  of kind internal, whose members are the flag's records and whose quote shows the error) and the
  flag carries ``hcc:reviewStatus "confirmed"``;
- ``not-an-error``: the numbers can all be right (a rule's blind spot); the flag carries
  ``hcc:reviewStatus "not-an-error"`` and the reason.

A review names its flag by the id ``hcc-kg check`` prints. Flag ids are made from the compared numbers,
so a curated number that changes makes a new flag and its old review an error ("no flag ..."): a
review never silently carries over to numbers nobody reviewed.

Review files are untrusted input with the data loader's safety: a size limit, UTF-8, no YAML anchors or
aliases, and one-line errors naming file, line, flag and field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hcc_kg.curation.provenance import SourceRefused, quote_in_source, read_source
from hcc_kg.curation.records import (
    Language,
    LoadedFile,
    Quote,
    _line_at,
    _strip_lines,
    quote_list,
    read_yaml,
)
from hcc_kg.errors import Issue

REVIEWS_DIR = "reviews"
"""The folder of review files inside the data folder."""

Status = Literal["confirmed", "not-an-error"]
STATUSES: tuple[Status, ...] = ("confirmed", "not-an-error")


class Review(BaseModel):
    """One curator's verdict on one flag."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    flag: str = Field(min_length=1)
    status: Status
    reason: str = Field(min_length=1)
    quote: Quote | None = None
    quote_lang: Language | None = None

    @model_validator(mode="after")
    def _quote_for_confirmed(self) -> Review:
        if self.status == "confirmed" and self.quote is None:
            raise ValueError("[quote] a confirmed flag becomes a recorded conflict: quote the passage(s) "
                             "showing the error")
        if self.quote is not None:
            if not quote_list(self.quote) or any(not p.strip() for p in quote_list(self.quote)):
                raise ValueError("[quote] quote is empty")
            if self.quote_lang is None:
                raise ValueError("[quote_lang] a quote needs its quote_lang (en or zh)")
        return self


class ReviewFile(BaseModel):
    """The reviews of one source document's flags."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    source: str = Field(pattern=r"^src[0-9]+$")
    reviews: list[Review] = []


@dataclass(frozen=True)
class LoadedReviews:
    """A parsed review file with the raw line map, for errors that point at a line."""

    display: str
    data: ReviewFile
    raw: dict[str, Any]

    def line_of(self, index: int, field: str | None = None) -> int | None:
        """The line of review number ``index`` (or of one of its fields)."""
        items = self.raw.get("reviews") or []
        item = items[index] if index < len(items) else None
        if not isinstance(item, dict):
            return None
        return item.get("__lines__", {}).get(field, item.get("__line__")) if field else item.get("__line__")


def review_paths(reviews_dir: Path) -> list[Path]:
    """The review files, ``*.yaml`` and ``*.yml`` alike; no folder means no reviews."""
    if not reviews_dir.is_dir():
        return []
    return sorted(p for p in reviews_dir.glob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_review_file(path: Path, display: str | None = None) -> tuple[LoadedReviews | None, list[Issue]]:
    """Parse and schema-check one review file; never raises on bad content, returns issues instead."""
    shown = display or str(path)
    raw, problems = read_yaml(path, shown, "'source' and 'reviews'")
    if raw is None:
        return None, problems
    try:
        data = ReviewFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        return None, [_schema_issue(shown, raw, err) for err in exc.errors()]
    return LoadedReviews(shown, data, raw), []


def _schema_issue(shown: str, raw: dict[str, Any], err: Any) -> Issue:
    loc = tuple(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    marker = re.match(r"\[(\w+)\] ", message)
    if marker:
        message, loc = message[marker.end():], (*loc, marker.group(1))
    line, _ = _line_at(raw, loc)
    flag = None
    if len(loc) > 1 and loc[0] == "reviews" and isinstance(loc[1], int):
        items = raw.get("reviews") or []
        item = items[loc[1]] if loc[1] < len(items) else None
        flag = item.get("flag") if isinstance(item, dict) and isinstance(item.get("flag"), str) else None
    names = [str(p) for p in loc if not isinstance(p, int)]
    if flag is not None and names[:1] == ["reviews"]:
        names = names[1:]
    if err["type"] == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}"
    elif err["type"] == "missing":
        message = f"missing required field {loc[-1]!r}"
    return Issue(shown, line, flag, ".".join(names) or None, message)


def closest(flag_id: str, known: Iterable[str]) -> list[str]:
    """Up to three known flag ids nearest to a misspelt or outdated one (same rule first)."""
    known = sorted(known)
    near = difflib.get_close_matches(flag_id, known, n=3, cutoff=0.6)
    if not near:
        rule = flag_id.rsplit("-", 1)[0]
        near = [k for k in known if k.rsplit("-", 1)[0] == rule][:3]
    return near


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def load_reviews(reviews_dir: Path, files: list[LoadedFile], flags: Iterable[Any], seeds_dir: Path,
                 root: Path | None = None) -> tuple[dict[str, Review], list[Issue]]:
    """Every review by flag id, checked against the flags of this run and the source texts.

    A review must name a flag of its own source (an unknown id is an error naming the closest ids),
    review it once, sit in the file named after its source's number, and quote the source verbatim.
    """
    by_id = {f.id: f for f in flags}
    sources = {f.data.source.id: f.data.source.file for f in files}
    found: dict[str, Review] = {}
    where: dict[str, str] = {}
    issues: list[Issue] = []
    for path in review_paths(reviews_dir):
        shown = _display(path, root)
        loaded, file_issues = load_review_file(path, shown)
        issues.extend(file_issues)
        if loaded is None:
            continue
        source = loaded.data.source
        source_line = loaded.raw.get("__lines__", {}).get("source")
        if source not in sources:
            known = ", ".join(sorted(sources))
            issues.append(Issue(shown, source_line, None, "source",
                                f"no source document {source!r} in the data (known: {known})"))
            continue
        number = source.removeprefix("src")
        if path.stem != number:
            issues.append(Issue(shown, source_line, None, "source",
                                f"reviews of {source} go in {number}.yaml, not {path.name}"))
        text: str | None = None
        try:
            text = read_source(seeds_dir, sources[source])
        except SourceRefused as exc:
            issues.append(Issue(shown, source_line, None, "source", str(exc)))
        for i, review in enumerate(loaded.data.reviews):
            flag = by_id.get(review.flag)
            if flag is None:
                theirs = [f for f, g in by_id.items() if g.source == source]
                near = closest(review.flag, theirs) or sorted(theirs)[:3]
                hint = f"; closest: {', '.join(near)}" if near else f"; {source} has no flags now"
                issues.append(Issue(shown, loaded.line_of(i, "flag"), review.flag, "flag",
                                    f"no flag {review.flag!r} in this build (its numbers may have changed: "
                                    f"re-run hcc-kg check and review the new flag){hint}"))
                continue
            if flag.source != source:
                issues.append(Issue(shown, loaded.line_of(i, "flag"), review.flag, "flag",
                                    f"flag {review.flag!r} is about {flag.source}, not {source}"))
                continue
            if review.flag in found:
                issues.append(Issue(shown, loaded.line_of(i, "flag"), review.flag, "flag",
                                    f"flag {review.flag!r} is reviewed twice (also in {where[review.flag]})"))
                continue
            if text is not None and review.quote is not None:
                for passage in quote_list(review.quote):
                    if not quote_in_source(passage, text):
                        issues.append(Issue(shown, loaded.line_of(i, "quote"), review.flag, "quote",
                                            f"quote not found in {sources[source]}: {passage[:60]!r}"))
            found[review.flag] = review
            where[review.flag] = f"{shown}:{loaded.line_of(i) or '?'}"
    return found, issues
