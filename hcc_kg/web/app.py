"""The routes: each parses the request, asks the ``KnowledgeGraph`` it was given, and renders a template.

Queries run in a worker thread (the store is synchronous); every library error becomes an error page
with the CLI's message and a 4xx status, anything unexpected a one-line 500 page, never a traceback.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hcc_kg.endpoint.serve import Refused, protocol_query
from hcc_kg.errors import HccKgError, QueryError
from hcc_kg.query.evidence import FINDING
from hcc_kg.query.flagged import LEGEND, FlagMark, open_flags
from hcc_kg.query.results import Boolean, Rows
from hcc_kg.web import pages
from hcc_kg.web.sparql import SparqlService

if TYPE_CHECKING:
    from jinja2 import Environment

    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.query.saved import SavedQuery

HERE = Path(__file__).resolve().parent
RECORD_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
TIMEOUT_MARK = "did not finish within"


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The page templates; every value is HTML-escaped (autoescape on for all of them)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("hcc_kg.web", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A rendered template as an HTML response."""
    return HTMLResponse(templates().get_template(name).render(**context), status_code=status)


def error_page(status: int, message: str, title: str = "Error") -> HTMLResponse:
    """The one error page: the library's message, as the CLI prints it, and the status."""
    return page("error.html", status, title=f"{title} ({status})", message=message)


def status_of(exc: HccKgError) -> int:
    """A library error's HTTP status: a timeout is 408, anything else the request's fault (400)."""
    return 408 if TIMEOUT_MARK in str(exc) else 400


class WebApp:
    """The handlers, holding the graph and the SPARQL service they answer from."""

    def __init__(self, kg: KnowledgeGraph, sparql: SparqlService) -> None:
        self.kg, self.sparql = kg, sparql
        self._options: dict[str, list[dict[str, Any]]] = {}
        self._catalog: dict[str, SavedQuery] | None = None

    def queries(self) -> dict[str, SavedQuery]:
        """The saved queries by name, read once: the release is fixed for the process, so are they."""
        if self._catalog is None:
            self._catalog = {q.name: q for q in self.kg.catalog()}
        return self._catalog

    def options(self, branch: str) -> list[dict[str, Any]]:
        """The type-ahead's terms of a branch (computed once per branch)."""
        if branch not in self._options:
            self._options[branch] = pages.term_options(self.kg.terms, branch)
        return self._options[branch]

    def saved(self, name: str) -> SavedQuery:
        """A saved query of the catalog by its exact name, or a 404 naming the known ones."""
        known = self.queries()
        if name not in known:
            raise HTTPException(404, f"no saved query {name!r}; known: {', '.join(known)}")
        return known[name]

    async def catalog(self, request: Request) -> Response:
        """``/``: the saved questions with their descriptions and tags, filtered by ``?q=``."""
        text = request.query_params.get("q", "").strip()
        queries = [q.as_dict() for q in self.queries().values()]
        words = text.casefold().split()
        shown = [q for q in queries
                 if all(w in " ".join([q["name"], q["summary"], q["description"], *q["tags"]]).casefold()
                        for w in words)]
        return page("catalog.html", title="hcc-kg: saved questions", queries=shown, q=text,
                    total=len(queries))

    def page_flags(self, answer: Rows, paging: pages.Paging) -> dict[str, list[FlagMark]]:
        """The open plausibility flags of the findings on this page, by finding IRI."""
        if "finding" not in answer.variables:
            return {}
        shown = answer.column("finding")[paging.start:paging.stop]
        return open_flags(self.kg, [FINDING + pages.finding_id(f) for f in shown if f])

    async def query(self, request: Request) -> Response:
        """``/query/<name>?<param>=<value>``: the form, the answer (paged), its views and downloads."""
        saved = self.saved(request.path_params["name"])
        try:
            values, number, size = pages.split_args(saved, dict(request.query_params))
        except ValueError as exc:
            return error_page(400, str(exc), "Bad paging")
        answer = await run_in_threadpool(self.kg.query, saved, **values)
        fields = pages.form_fields(saved, values)
        branches = {f.branch for f in fields if f.type == "term" and f.branch}
        context: dict[str, Any] = {
            "title": saved.summary, "q": saved, "fields": fields, "values": values,
            "options": {b: self.options(b) for b in sorted(branches)}, "form": answer.form,
            "permalink": pages.query_url(saved.name, values)}
        if isinstance(answer, Rows):
            paging = pages.Paging(number, size, len(answer))
            if number > paging.pages:
                return error_page(400, f"page {number} is past the last page ({paging.pages})", "Bad paging")
            context.update(
                variables=answer.variables,
                cells=pages.cells(answer, paging.start, paging.stop,
                                  await run_in_threadpool(self.page_flags, answer, paging)),
                legend=LEGEND,
                paging=paging, prev=pages.query_url(saved.name, values, page=number - 1, size=size),
                next=pages.query_url(saved.name, values, page=number + 1, size=size),
                downloads=pages.downloads(saved.name, answer.form, answer.variables, values),
                sof=await run_in_threadpool(self.sof, saved, answer, paging, values),
                forest=self.forest_url(saved, answer, values))
        else:
            context.update(variables=[], cells=[], paging=None, sof=None, forest=None,
                           downloads=pages.downloads(saved.name, answer.form, [], values),
                           boolean=answer.value if isinstance(answer, Boolean) else None,
                           triples=0 if isinstance(answer, Boolean) else len(answer))
        effective = {p.name: values.get(p.name) or p.default or "" for p in saved.params}
        answer_findings = ([pages.finding_id(f) for f in dict.fromkeys(answer.column("finding")) if f]
                           if isinstance(answer, Rows) and "finding" in answer.variables else None)
        context["exports"], context["export_scope"] = pages.exports(
            {k: v for k, v in effective.items() if v}, answer_findings)
        return page("query.html", **context)

    def sof(self, saved: SavedQuery, answer: Rows, paging: pages.Paging,
            values: dict[str, str]) -> dict[str, str] | None:
        """The SoF table of this page's findings (the registered ``sof`` format's HTML), or why not."""
        from hcc_kg.render.formats import OUTPUT_FORMATS, View

        if "sof" not in OUTPUT_FORMATS or "finding" not in answer.variables or not len(answer):
            return None
        shown = Rows(answer.variables, answer.rows[paging.start:paging.stop])
        try:
            html = OUTPUT_FORMATS["sof"].render(shown, View(saved.summary, saved, self.kg, Path("sof.html"),
                                                            values))
        except HccKgError as exc:
            return {"error": str(exc)}
        text = html.decode("utf-8") if isinstance(html, bytes) else html
        body = text.split("<body>", 1)[-1].rsplit("</body>", 1)[0]
        body = re.sub(r"^\s*<h1>.*?</h1>", "", body, count=1, flags=re.DOTALL)
        return {"html": body}

    def forest_url(self, saved: SavedQuery, answer: Rows, values: dict[str, str]) -> str | None:
        """Where the forest plot's SVG is drawn (an image route), if the format is registered."""
        from hcc_kg.render.formats import OUTPUT_FORMATS

        if "forest" not in OUTPUT_FORMATS or "finding" not in answer.variables or not len(answer):
            return None
        tail = "?" + urllib.parse.urlencode(values) if values else ""
        return f"/query/{urllib.parse.quote(saved.name)}/download/forest.svg{tail}"

    async def download(self, request: Request) -> Response:
        """``/query/<name>/download/<format>.<ext>``: the answer in a registered output format."""
        from hcc_kg.render.formats import OUTPUT_FORMATS, View

        saved = self.saved(request.path_params["name"])
        fmt_name, _, ext = request.path_params["file"].partition(".")
        if fmt_name not in OUTPUT_FORMATS or not re.fullmatch(r"[a-z0-9]+", ext):
            return error_page(404, f"unknown download {request.path_params['file']!r}; formats: "
                                   f"{', '.join(OUTPUT_FORMATS.names())}")
        values, _, _ = pages.split_args(saved, dict(request.query_params))
        fmt = OUTPUT_FORMATS[fmt_name]
        filename = f"{saved.name}.{fmt_name}.{ext}" if ext != fmt.extension else f"{saved.name}.{ext}"

        def work() -> str | bytes:
            answer = self.kg.query(saved, **values)
            return fmt.render(answer, View(saved.summary, saved, self.kg, Path(filename), values))

        body = await run_in_threadpool(work)
        return Response(body, media_type=media_type(ext, fmt.media_type), headers=disposition(filename, ext))

    async def export(self, request: Request) -> Response:
        """``/export/<format>.<ext>``: the graph, or a subset by therapy/population/endpoint, exported."""
        from hcc_kg.export.formats import EXPORT_FORMATS
        from hcc_kg.export.selection import Selection

        fmt_name = request.path_params["file"].partition(".")[0]
        if fmt_name not in EXPORT_FORMATS:
            return error_page(404, f"unknown export format {fmt_name!r}; "
                                   f"expected one of {', '.join(EXPORT_FORMATS.names())}")
        fmt = EXPORT_FORMATS[fmt_name]
        chosen = {k: v for k, v in request.query_params.items() if k in pages.SELECTION_PARAMS and v.strip()}
        unknown = set(request.query_params) - set(pages.SELECTION_PARAMS) - {"finding"}
        if unknown:
            return error_page(400, f"unknown export option(s) {', '.join(sorted(unknown))}; "
                                   f"it takes {', '.join(pages.SELECTION_PARAMS)}, finding")
        named = tuple(v for v in request.query_params.getlist("finding") if v.strip())
        body = await run_in_threadpool(self.kg.export, fmt_name, Selection(**chosen, findings=named))
        filename = f"hcc-kg.{fmt_name}.{fmt.extension}"
        return Response(body, media_type=fmt.media_type, headers=disposition(filename, fmt.extension))

    async def finding(self, request: Request) -> Response:
        """``/finding/<id>``: everything about one finding, its quotes shown in their source passages."""
        from hcc_kg.render import wording
        from hcc_kg.web.passage import passage

        ident = request.path_params["id"]
        found = (await run_in_threadpool(self.kg.findings, [ident])) if RECORD_ID.fullmatch(ident) else []
        if not found:
            return error_page(404, f"no finding {ident!r} in this graph", "Not found")
        f = found[0]
        quotes = [(lang, passage(self.kg.paths.seeds_dir, f.source_file, text)) for text, lang in f.quotes]
        return page("finding.html", title=f.label or f.id, f=f, quotes=quotes, w=wording)

    async def sparql_endpoint(self, request: Request) -> Response:
        """``/sparql``: the SPARQL 1.1 Protocol (GET and POST), or the YASGUI editor for a browser."""
        args: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            args.setdefault(key, []).append(value)
        body = b""
        kind = request.headers.get("content-type", "")
        if request.method == "POST":
            body = await request.body()
            if kind.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
                for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items():
                    args.setdefault(key, []).extend(values)
        accept = request.headers.get("accept", "")
        if request.method == "GET" and not args and "text/html" in accept:
            return page("sparql.html", title="SPARQL editor")
        try:
            text = protocol_query(request.method, kind, args, body)
            status, media, data = await run_in_threadpool(self.sparql.answer, text, accept)
        except Refused as exc:
            return Response(str(exc) + "\n", status_code=exc.status, media_type="text/plain; charset=utf-8")
        return Response(data, status_code=status, headers={"Content-Type": media})


def media_type(ext: str, default: str) -> str:
    """The media type of a download by its file kind (a format's sub-kinds differ from its default)."""
    known = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8", "md": "text/markdown",
             "svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
    return known.get(ext, default)


def disposition(filename: str, ext: str) -> dict[str, str]:
    """Headers that make a browser save the file (images and HTML are shown inline)."""
    mode = "inline" if ext in ("svg", "png", "html") else "attachment"
    return {"Content-Disposition": f'{mode}; filename="{filename}"'}


def create_app(kg: KnowledgeGraph, sparql: SparqlService | None = None) -> Starlette:
    """The web application over a graph the caller opened (in memory, for a long-lived process).

    ``sparql`` runs ``/sparql`` (default: an engine over the graph's release, started on first use);
    it is closed when the application shuts down.
    """
    timeout_s = getattr(getattr(kg.backend, "limits", None), "timeout_s", 30.0)
    web = WebApp(kg, sparql or SparqlService(kg.release, timeout_s))

    async def library_error(request: Request, exc: Exception) -> Response:
        return error_page(status_of(exc) if isinstance(exc, HccKgError) else 400, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = str(getattr(exc, "detail", ""))
        if status == 404 and detail in ("", "Not Found"):
            detail = f"no page at {request.url.path}"
        return error_page(status, detail, "Not found" if status == 404 else "Error")

    async def unexpected(request: Request, exc: Exception) -> Response:
        line = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return error_page(500, f"internal error: {line}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.sparql.close()

    routes = [
        Route("/", web.catalog),
        Route("/query/{name}", web.query),
        Route("/query/{name}/download/{file}", web.download),
        Route("/export/{file}", web.export),
        Route("/finding/{id}", web.finding),
        Route("/sparql", web.sparql_endpoint, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers: dict[Any, Any] = {HccKgError: library_error, QueryError: library_error,
                                HTTPException: http_error, Exception: unexpected}
    return Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
