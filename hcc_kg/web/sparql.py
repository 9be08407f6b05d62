"""The page's SPARQL 1.1 Protocol endpoint, answered by a supervised Oxigraph engine.

The in-memory store answers the reviewers' pages, but it cannot cancel an evaluation: a runaway
query typed into the editor would keep a worker busy after its deadline. So ``/sparql`` forwards to
``hcc-kg serve``'s engine (Oxigraph's server on a private loopback port, with its own timeout that
cancels the query, and a memory cap; restarted if it dies), started on the first request over a
private copy of the release's store. SERVICE and updates are refused before anything is forwarded.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from hcc_kg.endpoint.serve import Engine, Refused, forward
from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.safety import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_S, check_query
from hcc_kg.release.layout import Release

RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "text/turtle", "application/n-triples")


class SparqlService:
    """One lazily started engine over a copy of the release's store; ``close`` stops it."""

    def __init__(self, release: Release | None, timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int = 2048,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.release, self.timeout_s = release, timeout_s
        self.memory_mb, self.max_bytes = memory_mb, max_bytes
        self.engine: Engine | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._lock = threading.Lock()

    def _engine(self) -> Engine:
        with self._lock:
            if self.engine is None:
                if self.release is None:
                    raise Refused(503, "this page reads a SPARQL endpoint, not a release: "
                                       "use that endpoint directly")
                self._tmp = tempfile.TemporaryDirectory(prefix="hcc-kg-web-")
                location = Path(self._tmp.name) / "store"
                shutil.copytree(self.release.store_dir, location)
                engine = Engine(location, self.timeout_s, self.memory_mb, allow_update=False)
                try:
                    engine.start()
                except EndpointError as exc:
                    engine.stop()
                    raise Refused(503, f"the query engine could not start: {exc}") from None
                self.engine = engine
            return self.engine

    def answer(self, text: str, accept: str) -> tuple[int, str, bytes]:
        """Check the query (no SERVICE, size), run it on the engine: status, content type, body."""
        try:
            check_query(text)
        except QueryError as exc:
            raise Refused(400, str(exc)) from None
        wanted = accept if any(kind in accept for kind in RESULT_TYPES) else RESULT_TYPES[0]
        return forward(self._engine(), text, wanted, self.max_bytes)

    def close(self) -> None:
        """Stop the engine and remove its copy of the store."""
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
