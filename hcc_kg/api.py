"""``KnowledgeGraph``: the one library object the CLI, the web page and the tests share.

It opens a release (or connects to an endpoint) once and answers everything from it: the saved
queries and their catalog, typed answers, exports, statistics, and the term index of the graph's
own ontology. Front ends only parse options, call it, and hand the answer to a renderer.

>>> kg = KnowledgeGraph.open("build")                        # doctest: +SKIP
>>> rows = kg.select("01_haic_combinations_os_pvi", population="门静脉癌栓")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hcc_kg.config import Paths
from hcc_kg.errors import BuildMissing, QueryError
from hcc_kg.export.selection import Selection
from hcc_kg.query.backends import Backend, EndpointBackend, OxigraphBackend
from hcc_kg.query.results import Answer, Boolean, Rows, Triples, sort_concatenated
from hcc_kg.query.safety import Limits
from hcc_kg.query.saved import SavedQuery, bound_text, catalog, find_query, parse_query_file, resolve_params
from hcc_kg.release.layout import Release
from hcc_kg.terms import TermIndex

if TYPE_CHECKING:
    from hcc_kg.query.evidence import Finding


class KnowledgeGraph:
    """A release or an endpoint, opened once, with the saved queries that ship with hcc-kg."""

    def __init__(self, backend: Backend, release: Release | None = None, paths: Paths | None = None) -> None:
        self.backend = backend
        self.release = release
        self.paths = paths or Paths()
        self._api_queries: dict[str, SavedQuery] = {}

    @classmethod
    def open(cls, build_dir: str | Path | None = None, in_memory: bool = False,
             paths: Paths | None = None, limits: Limits | None = None) -> KnowledgeGraph:
        """The current release of a build folder, on its on-disk store or loaded into memory.

        ``limits`` (a deadline and an answer size limit) apply to every query; SERVICE is always refused.
        """
        paths = paths or Paths()
        release = Release.current(Path(build_dir) if build_dir is not None else paths.build_dir)
        kind = "in-memory copy of" if in_memory else "store of"
        backend = OxigraphBackend(release.open_store(in_memory), f"{kind} release {release.name}", limits)
        return cls(backend, release, paths)

    @classmethod
    def connect(cls, endpoint_url: str, timeout: float = 30.0, paths: Paths | None = None,
                limits: Limits | None = None) -> KnowledgeGraph:
        """A SPARQL 1.1 endpoint holding an hcc-kg graph.

        That is ``hcc-kg serve``, or any store the graph was published to. ``timeout`` is a total
        deadline per query (``limits`` overrides it and sets the answer size limit too).
        """
        return cls(EndpointBackend(endpoint_url, timeout, limits), None, paths)

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release what the backend holds open; leaving a ``with`` block calls this."""
        self.backend.close()

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.backend.description})"

    # -- saved queries ----------------------------------------------------------------------------

    @cached_property
    def query_headers(self) -> dict[str, Any]:
        """Query headers as parsed by the build (saves PyYAML on a cold start); none from an endpoint."""
        import json

        if self.release is None or not self.release.headers_file.is_file():
            return {}
        try:
            cache = json.loads(self.release.headers_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return cache if isinstance(cache, dict) else {}

    def catalog(self) -> list[SavedQuery]:
        """The saved queries with their headers (title, description, parameters, tags), by name."""
        return catalog(self.paths.queries_dir, self.query_headers)

    def saved(self, name_or_file: str | Path | SavedQuery) -> SavedQuery:
        """A saved query by name (or unique prefix / suffix), or an ad-hoc ``.rq`` file."""
        if isinstance(name_or_file, SavedQuery):
            return name_or_file
        return find_query(self.paths.queries_dir, str(name_or_file), self.query_headers)

    def bind(self, query: SavedQuery, params: dict[str, str]) -> str:
        """The query text with its parameters bound (terms resolved in this graph's own ontology)."""
        needs_terms = any(p.type == "term" for p in query.params)
        return bound_text(query, params, self.terms if needs_terms else None)

    def query(self, name_or_file: str | Path | SavedQuery, **params: str) -> Answer:
        """Run a saved query: Rows for SELECT, Triples for CONSTRUCT/DESCRIBE, Boolean for ASK."""
        query = self.saved(name_or_file)
        text = self.bind(query, self.checked(query, params))
        if query.form == "SELECT":
            return sort_concatenated(self.backend.select(text), query.text)
        if query.form == "ASK":
            return self.backend.ask(text)
        return self.backend.construct(text)

    def select(self, name_or_file: str | Path | SavedQuery, **params: str) -> Rows:
        """Run a saved SELECT query."""
        return self._expect(name_or_file, "SELECT", self.backend.select, params)

    def construct(self, name_or_file: str | Path | SavedQuery, **params: str) -> Triples:
        """Run a saved CONSTRUCT (or DESCRIBE) query."""
        return self._expect(name_or_file, ("CONSTRUCT", "DESCRIBE"), self.backend.construct, params)

    def ask(self, name_or_file: str | Path | SavedQuery, **params: str) -> Boolean:
        """Run a saved ASK query."""
        return self._expect(name_or_file, "ASK", self.backend.ask, params)

    def _expect(self, name_or_file: str | Path | SavedQuery, forms: str | tuple[str, ...], run: Any,
                params: dict[str, str]) -> Any:
        query = self.saved(name_or_file)
        if query.form not in ((forms,) if isinstance(forms, str) else forms):
            raise QueryError(f"{query.name} is a {query.form} query, "
                             f"not {' or '.join(forms) if isinstance(forms, tuple) else forms}")
        answer = run(self.bind(query, self.checked(query, params)))
        return sort_concatenated(answer, query.text) if isinstance(answer, Rows) else answer

    def checked(self, query: SavedQuery, params: dict[str, str]) -> dict[str, str]:
        """The given parameter values checked against this graph, in its form (see ``resolve_params``)."""
        if not params:
            return params
        return resolve_params(query, params, self.backend.select,
                              self.terms if any(p.property for p in query.params) else None)

    def _api(self, name: str, **params: str) -> Rows:
        """Run one of the library's own queries (``queries/api``)."""
        return self.backend.select(self.bind(self.api_query(name), params))

    def api_query(self, name: str) -> SavedQuery:
        """One of the library's own queries (``queries/api``), read and parsed once per graph."""
        if name not in self._api_queries:
            self._api_queries[name] = parse_query_file(self.paths.api_dir / f"{name}.rq", self.query_headers)
        return self._api_queries[name]

    # -- what the graph holds ---------------------------------------------------------------------

    @cached_property
    def terms(self) -> TermIndex:
        """The term index of this graph's own ontology (an old release answers in its own vocabulary).

        A release carries it as built (``terms.json``); an endpoint is asked with ``ontology_terms.rq``.
        """
        if self.release is not None and self.release.terms_file.is_file():
            try:
                return TermIndex.from_json(self.release.terms_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise BuildMissing(f"the term index in {self.release.folder} is unreadable ({exc}): "
                                   "run `hcc-kg build` again") from exc
        return TermIndex.from_bindings(self._api("ontology_terms"))

    def stats(self) -> list[Any]:
        """Per source document: studies, findings, findings with a DOI, recommendations, definitions."""
        from hcc_kg.query.stats import from_rows

        return from_rows(self._api("source_stats"))

    def findings(self, ids: Iterable[str]) -> list[Finding]:
        """The findings with these curated ids (or IRIs), every detail resolved, in the order given."""
        from hcc_kg.query.evidence import load_findings

        return load_findings(self, ids)

    def manifest(self) -> dict[str, Any]:
        """The release's manifest; an endpoint has none (an empty dict)."""
        return self.release.manifest() if self.release else {}

    # -- exports ----------------------------------------------------------------------------------

    def quads(self) -> list[Any]:
        """Every quad of the graph; from a release, numbers keep their curated lexical form."""
        if self.release is not None:
            return self.release.quads()
        from pyoxigraph import Quad

        return [Quad(t.subject, t.predicate, t.object) for t in self.backend.all_triples()]

    def subset_findings(self, selection: Selection) -> list[str]:
        """IRIs of the findings a selection chooses.

        Its filters choose them (``queries/api/subset_findings.rq``); if it names findings, only
        those are kept, and every named id must be in the graph. A ``source`` the graph does not
        hold is an error, not an empty subset (a typo must not export an 8-triple file); asked only
        when nothing matched.
        """
        found = self._api("subset_findings", **selection.filters()).column("finding")
        if selection.findings:
            named = set(self._named_findings(selection.findings))
            found = [f for f in found if f in named]
        if not found and selection.source:
            from hcc_kg.namespaces import HCC, iri

            source = iri("source", selection.source).value
            if not self.backend.ask(f"ASK {{ <{source}> a <{HCC}SourceDocument> }}"):
                raise QueryError(f"no source document {selection.source} in this graph")
        return found

    def _named_findings(self, ids: tuple[str, ...]) -> list[str]:
        """The IRIs of findings named by curated id; an id the graph does not hold is an error."""
        import re

        from hcc_kg.namespaces import iri
        from hcc_kg.query.saved import with_values

        bad = [i for i in ids if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", i)]
        if bad:
            raise QueryError(f"not a finding id: {bad[0]!r}")
        wanted = sorted({iri("finding", i).value for i in ids})
        query = self.api_query("existing_findings")
        held = set(self.backend.select(with_values(query, "finding", wanted)).column("finding"))
        missing = [i for i in ids if iri("finding", i).value not in held]
        if missing:
            raise QueryError(f"no finding {', '.join(missing[:5])} in this graph")
        return wanted

    def select_quads(self, selection: Selection) -> list[Any]:
        """The sorted quads of one export: a part, a self-contained subset, or a saved CONSTRUCT's answer."""
        from hcc_kg.export.subset import select

        construct = self.construct(selection.construct).triples if selection.construct else None
        findings = self.subset_findings(selection) if selection.is_subset() and construct is None else None
        return select(self.quads() if construct is None else [], selection, findings, construct)

    def export(self, fmt: str = "turtle", selection: Selection | None = None) -> bytes:
        """The graph, or a selection of it, in a registered export format (stable bytes)."""
        from hcc_kg.export.formats import EXPORT_FORMATS

        return EXPORT_FORMATS[fmt].write(self, selection or Selection())

    def publish(self, endpoint: str, update_url: str | None = None, store_url: str | None = None,
                graph: str | None = None, timeout: float = 120.0) -> int:
        """Load the whole graph into a SPARQL store, replacing the previous version atomically for readers."""
        from hcc_kg.endpoint.publish import Endpoints, publish

        data = self.export("ntriples")
        publish(data, Endpoints.from_base(endpoint, update_url, store_url), graph, timeout)
        return data.count(b"\n")
