"""Run every registered rule over the curated records, apply the reviews; the ``hcc-kg check`` report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

from hcc_kg.check import (  # noqa: F401  (the modules register their rules)
    counts,
    directions,
    estimates,
    passages,
    proportions,
    readings,
    survival,
)
from hcc_kg.check.flags import SEVERITIES, Flag
from hcc_kg.check.reviews import REVIEWS_DIR, load_reviews
from hcc_kg.check.rules import RULES, SourceView
from hcc_kg.curation.provenance import MAX_SOURCE_BYTES, SourceRefused, source_path
from hcc_kg.curation.records import LoadedFile
from hcc_kg.errors import Issue

BLOCKING: tuple[str, ...] = ("error", "warning")
"""Severities whose unreviewed flags make ``hcc-kg check`` exit 1 (an info flag never does)."""


def source_lines(seeds_dir: Path | None, file: LoadedFile) -> list[str] | None:
    """The lines of a file's source document (for rules that read the text itself), or None."""
    if seeds_dir is None:
        return None
    try:
        path = source_path(seeds_dir, file.data.source.file)
        return path.read_bytes()[: MAX_SOURCE_BYTES].decode("utf-8").split("\n")
    except (SourceRefused, OSError, UnicodeDecodeError):
        return None  # validation reports an unreadable source; the text rules then have nothing to read


def run_checks(files: Iterable[LoadedFile], seeds_dir: Path | None = None) -> list[Flag]:
    """Every rule's flags over every file, deduplicated, in a stable order (source, severity, rule, id).

    Without ``seeds_dir`` the rules that read the source text (passages printed twice) find nothing.
    """
    found: dict[str, Flag] = {}
    for file in files:
        view = SourceView(file.data, source_lines(seeds_dir, file))
        for _, rule in RULES.items():
            for flag in rule.run(view):
                found.setdefault(flag.id, flag)
    return sorted(found.values(), key=lambda f: (f.source, SEVERITIES.index(f.severity), f.rule, f.id))


def reviewed_checks(files: list[LoadedFile], data_dir: Path, seeds_dir: Path,
                    root: Path | None = None) -> tuple[list[Flag], list[Issue]]:
    """The flags with the reviews of ``data_dir/reviews`` attached, and every problem of those reviews."""
    flags = run_checks(files, seeds_dir)
    reviews, issues = load_reviews(data_dir / REVIEWS_DIR, files, flags, seeds_dir, root=root)
    return [dataclasses.replace(f, review=reviews.get(f.id)) for f in flags], issues


def blocking(flags: Iterable[Flag]) -> list[Flag]:
    """Unreviewed flags of severity error or warning: what still needs a curator's eyes."""
    return [f for f in flags if f.review is None and f.severity in BLOCKING]


def _flag_lines(flag: Flag) -> list[str]:
    lines = [f"      [{flag.rule}] {flag.message}",
             f"          flag {flag.id}; records: {', '.join(flag.members)}; expected {flag.expected}"]
    if flag.review is not None:
        lines.append(f"          {flag.review.status}: {flag.review.reason}")
    return lines


def render_text(flags: list[Flag], files: list[LoadedFile]) -> str:
    """Per source: unreviewed flags first, then reviewed ones, each part by severity, with the flag ids."""
    names = {f.data.source.id: f.data.source.file for f in files}
    lines: list[str] = []
    for source in sorted({f.data.source.id for f in files}):
        mine = [f for f in flags if f.source == source]
        open_ = [f for f in mine if f.review is None]
        lines.append(f"{source} ({names.get(source, '?')}): {len(mine)} flag(s), {len(open_)} unreviewed")
        for title, part in (("unreviewed", open_), ("reviewed", [f for f in mine if f.review is not None])):
            if part:
                lines.append(f"  {title}")
            for severity in SEVERITIES:
                some = [f for f in part if f.severity == severity]
                if some:
                    lines.append(f"    {severity} ({len(some)})")
                for flag in some:
                    lines.extend(_flag_lines(flag))
    counts_ = {s: sum(1 for f in flags if f.severity == s) for s in SEVERITIES}
    statuses = {s: sum(1 for f in flags if f.status == s)
                for s in ("unreviewed", "confirmed", "not-an-error")}
    lines.append(f"{len(flags)} flag(s): " + ", ".join(f"{n} {s}" for s, n in counts_.items())
                 + "; " + ", ".join(f"{n} {s}" for s, n in statuses.items())
                 + " (flags are findings about the sources, not errors in the records)")
    waiting = blocking(flags)
    lines.append(f"{len(waiting)} unreviewed error/warning flag(s) to review in data/{REVIEWS_DIR}/"
                 if waiting else "every error/warning flag is reviewed")
    return "\n".join(lines) + "\n"


def render_json(flags: list[Flag]) -> str:
    """The flags as a JSON list (each with its review, or null), with the rules that ran."""
    return json.dumps({"rules": [{"name": n, "severity": r.severity, "rationale": r.rationale}
                                 for n, r in RULES.items()],
                       "flags": [f.as_dict() for f in flags],
                       "unreviewed_blocking": [f.id for f in blocking(flags)]},
                      ensure_ascii=False, indent=2) + "\n"
