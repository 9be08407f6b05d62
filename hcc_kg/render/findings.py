"""What the evidence views (SoF table, forest plot) share: the answer's findings and the output's kind.

A view of findings works on any saved query whose answer has a ``finding`` column (curated ids or
IRIs); it reads every detail of those findings from the graph that answered (``KnowledgeGraph.findings``),
never from the answer's own columns, so every query gets the same full view.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from hcc_kg.errors import HccKgError
from hcc_kg.query.results import Rows

if TYPE_CHECKING:
    from hcc_kg.query.evidence import Finding
    from hcc_kg.render.formats import View

FINDING_COLUMN = "finding"
_PROJECTS_FINDING = re.compile(r"\bSELECT\b[^{]*\?finding\b", re.IGNORECASE | re.DOTALL)


def queries_with_findings(view: View) -> list[str]:
    """Names of the saved SELECT queries whose projection names ``?finding`` (for the error hint)."""
    if view.kg is None:
        return []
    return [q.name for q in view.kg.catalog()
            if q.form == "SELECT" and _PROJECTS_FINDING.search(_uncommented(q.text))]


def _uncommented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def findings_of(answer: Rows, view: View, fmt: str) -> list[Finding]:
    """The answer's findings in answer order (each once), or one clear error saying why there are none."""
    if view.kg is None:
        raise HccKgError(f"format {fmt!r} reads each finding's details from the graph: "
                         "render with View(kg=...) (the CLI does)")
    name = view.query.name if view.query is not None else "this query"
    if FINDING_COLUMN not in answer.variables:
        able = queries_with_findings(view)
        hint = f"; saved queries with one: {', '.join(able)}" if able else ""
        raise HccKgError(f"format {fmt!r} needs a 'finding' column, and {name} answers with "
                         f"{', '.join(answer.variables) or 'no columns'}{hint}")
    ids = [i for i in dict.fromkeys(answer.column(FINDING_COLUMN)) if i]
    if not ids:
        raise HccKgError(f"format {fmt!r}: {name} returned no findings (0 rows); "
                         "try other parameter values (hcc-kg query show NAME lists them)")
    found = view.kg.findings(ids)
    if not found:
        raise HccKgError(f"format {fmt!r}: none of the {len(ids)} values in the 'finding' column of {name} "
                         f"is a finding of this graph (e.g. {ids[0]!r})")
    return found


def asked(view: View) -> str:
    """What was run, for a view's header: ``saved query 01_...`` or ``query file my.rq``."""
    query = view.query
    if query is None:
        return "an ad-hoc query"
    saved_dir = view.kg.paths.queries_dir if view.kg is not None else None
    if saved_dir is not None and query.path.parent.resolve() == Path(saved_dir).resolve():
        return f"saved query {query.name}"
    return f"query file {query.path.name}"


def parameters(view: View) -> list[tuple[str, str]]:
    """The query's parameters as run: given values, else the defaults (marked), for a view's header."""
    if view.query is None:
        return []
    given = dict(view.params)
    shown = []
    for param in view.query.params:
        if param.name in given:
            shown.append((param.name, given.pop(param.name)))
        elif param.default is not None:
            shown.append((param.name, f"{param.default} (default)"))
    return shown + sorted(given.items())


def output_kind(view: View, fmt: str, kinds: dict[str, str], default: str) -> str:
    """The sub-format chosen by the output file's suffix (``.html``, ``.png``...); ``default`` on stdout."""
    if view.output is None:
        return default
    suffix = view.output.suffix.lower()
    if suffix not in kinds:
        raise HccKgError(f"format {fmt!r} writes {', '.join(sorted(kinds))} files (or {default} to stdout), "
                         f"not {suffix or 'a file without a suffix'!r}: {view.output}")
    return kinds[suffix]
