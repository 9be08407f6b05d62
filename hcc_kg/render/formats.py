"""Output formats for answers: table, CSV, TSV, SPARQL JSON, Markdown, HTML, SoF, forest; RDF for graphs.

CSV and TSV follow the SPARQL 1.1 results conventions (full IRIs); only the human views (table,
Markdown, HTML) shorten IRIs to CURIEs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import PREFIXES, compress
from hcc_kg.query.results import Answer, Boolean, Rows, Triples
from hcc_kg.registry import Registry

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.query.saved import SavedQuery


def cells(results: Rows, human: bool = True) -> list[list[str]]:
    """Cell texts: human views shorten IRIs to CURIEs, machine formats keep them whole."""
    return [[(compress(row[v]["value"]) if human and row[v]["type"] == "uri" else row[v]["value"])
             if v in row else "" for v in results.variables]
            for row in results.rows]


def display_width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    """One line of at most ``limit`` display columns (CJK counts two), with an ellipsis if cut."""
    text = " ".join(text.split())
    if display_width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > limit - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def table(results: Rows, max_width: int = 48) -> str:
    """An aligned plain-text table for the terminal (long cells clipped; use csv/json for all text)."""
    rows = [[clip(c, max_width) for c in row] for row in cells(results)]
    header = results.variables
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        padded = (v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=False))
        return "  ".join(padded).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def delimited(results: Rows, delimiter: str) -> str:
    """CSV or TSV with a header row, full IRIs (SPARQL 1.1 results conventions)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(results.variables)
    writer.writerows(cells(results, human=False))
    return buffer.getvalue()


def markdown(results: Rows) -> str:
    """A Markdown table, CURIEs for IRIs, with pipes escaped and whitespace folded in each cell."""
    def esc(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    out = ["| " + " | ".join(results.variables) + " |", "|" + "---|" * len(results.variables)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells(results)]
    return "\n".join(out) + "\n"


def html_page(results: Rows, title: str) -> str:
    """A standalone HTML page: the evidence table, with DOIs as links, ready to paste into a draft."""
    from hcc_kg.render.templating import render_template

    rows = [[{"text": cell, "doi": bool(cell) and "doi" in variable.lower()}
             for variable, cell in zip(results.variables, row, strict=False)] for row in cells(results)]
    return render_template("table.html", title=title, variables=results.variables, rows=rows)


@dataclass(frozen=True)
class View:
    """What a renderer may use beside the answer.

    A title, the saved query asked, the graph that answered it (a summary-of-findings table looks up
    each finding's details there), and the file the output goes to (whose extension may choose a
    sub-format, as ``.svg`` or ``.png`` for a plot).
    """

    title: str = "hcc-kg evidence table"
    query: SavedQuery | None = None
    kg: KnowledgeGraph | None = None
    output: Path | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    """The parameter values the query was run with (views that print what was asked show them)."""


Renderer = Callable[[Any, View], "str | bytes"]


@dataclass(frozen=True)
class OutputFormat:
    """One way to write an answer: a renderer per answer form it supports (SELECT, CONSTRUCT, ASK)."""

    name: str
    media_type: str
    extension: str
    renderers: dict[str, Renderer]
    human: bool = False
    """Human views shorten IRIs to CURIEs; machine formats keep full IRIs (SPARQL 1.1 conventions)."""

    def render(self, answer: Answer, view: View | None = None) -> str | bytes:
        """The answer written in this format, or a clear error naming the formats that can write it."""
        try:
            renderer = self.renderers[answer.form]
        except KeyError:
            able = [n for n, f in OUTPUT_FORMATS.items() if answer.form in f.renderers]
            raise HccKgError(f"format {self.name!r} cannot write a {answer.form} answer; "
                             f"use one of {', '.join(able)}") from None
        return renderer(answer, view or View())


def _graph(fmt_name: str) -> Renderer:
    def write(answer: Triples, view: View) -> bytes:
        from pyoxigraph import RdfFormat, serialize

        fmt = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES,
               "jsonld": RdfFormat.JSON_LD}[fmt_name]
        prefixes = PREFIXES if fmt_name == "turtle" else None
        return serialize(sorted(answer.triples, key=str), format=fmt, prefixes=prefixes) or b""
    return write


def _boolean_text(answer: Boolean, view: View) -> str:
    return ("true" if answer.value else "false") + "\n"


def _json(answer: Rows | Boolean, view: View) -> str:
    return json.dumps(answer.as_json(), ensure_ascii=False, indent=2) + "\n"


def _lazy(module: str) -> Renderer:
    """A renderer importing its module (matplotlib, Jinja2) only when it renders: cold starts stay fast."""
    def write(answer: Rows, view: View) -> str | bytes:
        import importlib

        result: str | bytes = importlib.import_module(module).render(answer, view)
        return result
    return write


def _marked(kind: str) -> Renderer:
    """A human view whose flagged findings carry a marker (``render.markers``), with its legend."""
    def write(answer: Rows, view: View) -> str:
        from hcc_kg.render.markers import mark_findings

        rows, legend = mark_findings(answer, view.kg)
        if kind == "html":
            import html

            page = html_page(rows, view.title)
            return page.replace("</table>", f"</table>\n<p>{html.escape(legend)}</p>", 1) if legend else page
        text = table(rows) if kind == "table" else markdown(rows)
        return text + (f"\n{legend}\n" if legend else "")
    return write


OUTPUT_FORMATS: Registry[OutputFormat] = Registry("output format")
for _fmt in (
    OutputFormat("table", "text/plain", "txt", {"SELECT": _marked("table"), "ASK": _boolean_text},
                 human=True),
    OutputFormat("csv", "text/csv", "csv", {"SELECT": lambda a, v: delimited(a, ","), "ASK": _boolean_text}),
    OutputFormat("tsv", "text/tab-separated-values", "tsv",
                 {"SELECT": lambda a, v: delimited(a, "\t"), "ASK": _boolean_text}),
    OutputFormat("json", "application/sparql-results+json", "json", {"SELECT": _json, "ASK": _json}),
    OutputFormat("markdown", "text/markdown", "md",
                 {"SELECT": _marked("markdown"), "ASK": _boolean_text}, human=True),
    OutputFormat("html", "text/html", "html", {"SELECT": _marked("html")}, human=True),
    # summary of findings: Markdown on stdout; -o picks .html (a printable page), .md or .csv
    OutputFormat("sof", "text/markdown", "md", {"SELECT": _lazy("hcc_kg.render.sof")}, human=True),
    # forest plot of the ratio estimates: SVG on stdout; -o picks .svg, .png or .pdf
    OutputFormat("forest", "image/svg+xml", "svg", {"SELECT": _lazy("hcc_kg.render.forest")}, human=True),
    OutputFormat("turtle", "text/turtle", "ttl", {"CONSTRUCT": _graph("turtle")}),
    OutputFormat("ntriples", "application/n-triples", "nt", {"CONSTRUCT": _graph("ntriples")}),
    OutputFormat("jsonld", "application/ld+json", "jsonld", {"CONSTRUCT": _graph("jsonld")}),
):
    OUTPUT_FORMATS.add(_fmt.name, _fmt)

DEFAULT_FORMAT = {"SELECT": "table", "CONSTRUCT": "turtle", "ASK": "table"}


def render(answer: Answer, fmt: str | None = None, view: View | None = None) -> str | bytes:
    """Any answer in a registered format (None: the answer form's default)."""
    return OUTPUT_FORMATS[fmt or DEFAULT_FORMAT[answer.form]].render(answer, view)
