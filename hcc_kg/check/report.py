"""Run every registered rule over the curated records, and the report ``hcc-kg check`` prints."""

from __future__ import annotations

import json
from collections.abc import Iterable

from hcc_kg.check import counts, estimates, readings, survival  # noqa: F401  (they register the rules)
from hcc_kg.check.flags import SEVERITIES, Flag
from hcc_kg.check.rules import RULES, SourceView
from hcc_kg.curation.records import LoadedFile


def run_checks(files: Iterable[LoadedFile]) -> list[Flag]:
    """Every rule's flags over every file, deduplicated, in a stable order (source, severity, rule, id)."""
    found: dict[str, Flag] = {}
    for file in files:
        view = SourceView(file.data)
        for _, rule in RULES.items():
            for flag in rule.run(view):
                found.setdefault(flag.id, flag)
    return sorted(found.values(), key=lambda f: (f.source, SEVERITIES.index(f.severity), f.rule, f.id))


def render_text(flags: list[Flag], files: list[LoadedFile]) -> str:
    """Flags grouped by source document, then severity, each with its rule, message and records."""
    names = {f.data.source.id: f.data.source.file for f in files}
    lines: list[str] = []
    for source in sorted({f.data.source.id for f in files}):
        mine = [f for f in flags if f.source == source]
        lines.append(f"{source} ({names.get(source, '?')}): {len(mine)} flag(s)")
        for severity in SEVERITIES:
            some = [f for f in mine if f.severity == severity]
            if some:
                lines.append(f"  {severity} ({len(some)})")
            for flag in some:
                lines.append(f"    [{flag.rule}] {flag.message}")
                lines.append(f"        records: {', '.join(flag.members)}; expected {flag.expected}")
    counts_ = {s: sum(1 for f in flags if f.severity == s) for s in SEVERITIES}
    lines.append(f"{len(flags)} flag(s): " + ", ".join(f"{n} {s}" for s, n in counts_.items())
                 + " (flags are findings about the sources, not errors in the records)")
    return "\n".join(lines) + "\n"


def render_json(flags: list[Flag]) -> str:
    """The flags as a JSON list, with the rules that ran."""
    return json.dumps({"rules": [{"name": n, "severity": r.severity, "rationale": r.rationale}
                                 for n, r in RULES.items()],
                       "flags": [f.as_dict() for f in flags]}, ensure_ascii=False, indent=2) + "\n"
