"""What the query page shows, shaped from the library's objects (no HTML here: templates escape).

The form comes from the saved query's header; the table from the answer's rows, one page at a time;
the downloads from the output and export format registries, so a newly registered format appears
without any change here.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hcc_kg.namespaces import compress
from hcc_kg.query.evidence import FINDING
from hcc_kg.query.flagged import FlagMark, marker
from hcc_kg.query.results import Rows
from hcc_kg.query.saved import SavedQuery
from hcc_kg.terms import TermIndex

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
PAGING_KEYS = ("page", "size")

FINDING_VIEWS = ("sof", "forest")
"""Output formats that read the findings of a ``finding`` column (offered only when there is one)."""
MORE_KINDS = {"sof": ("html", "csv"), "forest": ("png", "pdf")}
"""Further files a multi-kind output format writes, chosen by the file's suffix (besides its own)."""
SELECTION_PARAMS = ("therapy", "population", "endpoint")
"""Query parameters that also name an export subset (``Selection``) of the same findings' scope."""


@dataclass(frozen=True)
class Field:
    """One form input from a header parameter: its value is the one given, else the default."""

    name: str
    type: str
    description: str
    value: str
    default: str
    branch: str | None
    required: bool


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown and, for a finding or a DOI, where it links."""

    text: str
    href: str | None = None
    mark: str = ""
    """A finding's plausibility marker (⚑ confirmed, ⚑? unreviewed; ``query.flagged``)."""
    mark_title: str = ""


@dataclass(frozen=True)
class Link:
    """A download: what it is, and its URL."""

    label: str
    href: str


@dataclass(frozen=True)
class Paging:
    """One page of an answer: which rows, of how many, and the links to the neighbours."""

    page: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the answer has (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        """Index of the page's first row."""
        return (self.page - 1) * self.size

    @property
    def stop(self) -> int:
        """Index after the page's last row."""
        return min(self.total, self.start + self.size)


def split_args(query: SavedQuery, args: Mapping[str, str]) -> tuple[dict[str, str], int, int]:
    """The query's parameter values (blank fields left out), the page number and the page size.

    ``page`` and ``size`` are paging unless the query itself declares a parameter of that name.
    A bad page number is a ValueError with the message shown to the user.
    """
    declared = {p.name for p in query.params}
    values = {k: v.strip() for k, v in args.items()
              if v.strip() and (k in declared or k not in PAGING_KEYS)}
    page, size = 1, PAGE_SIZE
    for key in PAGING_KEYS:
        if key in args and key not in declared:
            text = args[key].strip()
            if not text.isdigit() or int(text) < 1:
                raise ValueError(f"{key} must be a positive whole number, not {text!r}")
            if key == "page":
                page = int(text)
            else:
                size = min(int(text), MAX_PAGE_SIZE)
    return values, page, size


def form_fields(query: SavedQuery, values: Mapping[str, str]) -> list[Field]:
    """The form's inputs, in header order, filled with the given values or the defaults."""
    return [Field(p.name, p.type, p.description, values.get(p.name, p.default or ""), p.default or "",
                  p.branch, p.required) for p in query.params]


def term_options(terms: TermIndex, branch: str) -> list[dict[str, Any]]:
    """The branch's terms for the type-ahead: id, English and Chinese labels, synonyms; by label."""
    options = [{"id": t.id, "en": t.labels.get("en", ""), "zh": t.labels.get("zh", ""),
                "synonyms": list(t.synonyms)}
               for t in terms.terms.values() if terms.in_branch(t.id, branch)]
    return sorted(options, key=lambda o: (str(o["en"] or o["id"]).casefold(), o["id"]))


def finding_id(value: str) -> str:
    """A finding's curated id from a cell (an id already, or its IRI)."""
    return value[len(FINDING):] if value.startswith(FINDING) else value


def cells(rows: Rows, start: int, stop: int,
          flags: Mapping[str, list[FlagMark]] | None = None) -> list[list[Cell]]:
    """The page's cells: IRIs as CURIEs, findings linking to their page, DOIs to doi.org.

    A finding carries the marker of its open plausibility flags (``flags``, by finding IRI).
    """
    out = []
    for row in rows.rows[start:stop]:
        line = []
        for variable in rows.variables:
            binding = row.get(variable)
            if binding is None:
                line.append(Cell(""))
                continue
            value = binding["value"]
            if variable == "finding":
                ident = finding_id(value)
                marks = (flags or {}).get(FINDING + ident, [])
                title = "; ".join(f"{m.status} plausibility flag: {m.rule}" for m in marks)
                line.append(Cell(ident, "/finding/" + urllib.parse.quote(ident), marker(marks), title))
            elif "doi" in variable.lower() and value:
                line.append(Cell(value, "https://doi.org/" + value.removeprefix("https://doi.org/")))
            else:
                line.append(Cell(compress(value) if binding["type"] == "uri" else value))
        out.append(line)
    return out


def query_url(name: str, values: Mapping[str, str], **extra: object) -> str:
    """The permalink of a query page with these values (and paging, if given)."""
    items = list(values.items()) + [(k, str(v)) for k, v in extra.items()]
    tail = "?" + urllib.parse.urlencode(items) if items else ""
    return f"/query/{urllib.parse.quote(name)}{tail}"


def downloads(name: str, form: str, variables: list[str], values: Mapping[str, str]) -> list[Link]:
    """A link per registered output format (and per file kind it writes) that can write this answer."""
    from hcc_kg.render.formats import OUTPUT_FORMATS

    links = []
    for fmt_name, fmt in OUTPUT_FORMATS.items():
        if form not in fmt.renderers or (fmt_name in FINDING_VIEWS and "finding" not in variables):
            continue
        for ext in dict.fromkeys((fmt.extension, *MORE_KINDS.get(fmt_name, ()))):
            tail = "?" + urllib.parse.urlencode(dict(values)) if values else ""
            links.append(Link(f"{fmt_name} (.{ext})",
                              f"/query/{urllib.parse.quote(name)}/download/{fmt_name}.{ext}{tail}"))
    return links


def exports(values: Mapping[str, str], findings: list[str] | None = None) -> tuple[list[Link], str]:
    """A link per registered export format, and what it holds.

    With ``findings`` (an answer's finding ids) the export holds exactly those findings; otherwise
    the subset the parameters name.
    """
    from hcc_kg.export.formats import EXPORT_FORMATS

    if findings:
        tail = "?" + urllib.parse.urlencode([("finding", f) for f in findings])
        scope = f"exactly this answer's {len(findings)} finding{'s' if len(findings) != 1 else ''}"
        return [Link(f"{n} (.{f.extension})", f"/export/{n}.{f.extension}{tail}")
                for n, f in EXPORT_FORMATS.items()], scope
    chosen = {k: v for k, v in values.items() if k in SELECTION_PARAMS}
    tail = "?" + urllib.parse.urlencode(chosen) if chosen else ""
    scope = (", ".join(f"{k} = {v}" for k, v in chosen.items()) if chosen else "the whole graph")
    return [Link(f"{n} (.{f.extension})", f"/export/{n}.{f.extension}{tail}")
            for n, f in EXPORT_FORMATS.items()], scope
