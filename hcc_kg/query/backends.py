"""One backend contract, three engines: an embedded store on disk, one in memory, a SPARQL 1.1 endpoint.

``KnowledgeGraph`` talks only to this contract; the shared test suite (``tests/test_backends.py``)
runs the same checks against every backend, as oaklib's compliance tester does for its adapters.
Every backend applies the same :mod:`safety <hcc_kg.query.safety>` rules: no SERVICE, a deadline,
an answer size limit.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import IO, Any, TypeVar, cast

from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.results import Boolean, Rows, Triples
from hcc_kg.query.safety import Limits, check_query
from hcc_kg.registry import Registry

T = TypeVar("T")


class Backend(ABC):
    """Where queries run. Every method takes finished SPARQL text (parameters already bound)."""

    description: str
    limits: Limits

    @abstractmethod
    def select(self, text: str) -> Rows:
        """Run a SELECT query."""

    @abstractmethod
    def construct(self, text: str) -> Triples:
        """Run a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def ask(self, text: str) -> Boolean:
        """Run an ASK query."""

    def all_triples(self) -> list[Any]:
        """Every triple the backend holds (an export of the whole graph)."""
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples

    def close(self) -> None:  # noqa: B027 - a no-op default on purpose, not abstract
        """Release what the backend holds open; a backend without such resources needs nothing here."""


class _Capped:
    """A binary sink that refuses to grow past a limit (pyoxigraph serialises into it)."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.size, self.parts = limits, 0, []  # type: tuple[Limits, int, list[bytes]]

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limits.max_bytes:
            raise self.limits.too_big()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are joined at the end."""

    def value(self) -> bytes:
        return b"".join(self.parts)


def within(limits: Limits, work: Callable[[], T]) -> T:
    """Run ``work`` in a daemon thread and wait at most the deadline.

    pyoxigraph releases the GIL while it evaluates, so the caller gets its error on time; the
    evaluation itself cannot be interrupted and runs on until it ends or the process exits (a one-shot
    command exits at once; a long-lived service must isolate queries in a process it can kill).
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            # without its traceback: the frames hold pyoxigraph objects that must die on this thread
            box["error"] = exc.with_traceback(None)

    thread = threading.Thread(target=run, name="hcc-kg-query", daemon=True)
    thread.start()
    thread.join(limits.timeout_s)
    if thread.is_alive():
        raise limits.too_slow()
    if "error" in box:
        raise box["error"]
    return cast(T, box["value"])


class OxigraphBackend(Backend):
    """A pyoxigraph store in this process (a release's on-disk store, or an in-memory copy)."""

    def __init__(self, store: Any, description: str, limits: Limits | None = None) -> None:
        self.store = store
        self.description = description
        self.limits = limits or Limits()

    def _run(self, text: str, finish: Callable[[Any], T]) -> T:
        check_query(text)

        def work() -> T:
            return finish(self.store.query(text))

        try:
            return within(self.limits, work)
        except SyntaxError as exc:
            raise QueryError(f"query does not parse: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def select(self, text: str) -> Rows:
        """Run a SELECT in the store; answers come back as SPARQL JSON, as from an endpoint."""
        from pyoxigraph import QueryResultsFormat, QuerySolutions

        def finish(answer: Any) -> bytes:
            if not isinstance(answer, QuerySolutions):
                raise QueryError("expected a SELECT query")
            sink = _Capped(self.limits)
            answer.serialize(cast(IO[bytes], sink), QueryResultsFormat.JSON)
            return sink.value()

        data = json.loads(self._run(text, finish) or b"{}")
        return Rows(data["head"]["vars"], data["results"]["bindings"])

    def construct(self, text: str) -> Triples:
        """Run a CONSTRUCT or DESCRIBE in the store."""
        from pyoxigraph import QueryTriples

        def finish(answer: Any) -> list[Any]:
            if not isinstance(answer, QueryTriples):
                raise QueryError("expected a CONSTRUCT or DESCRIBE query")
            triples, size = [], 0
            for triple in answer:
                size += len(str(triple))
                if size > self.limits.max_bytes:
                    raise self.limits.too_big()
                triples.append(triple)
            return triples

        return Triples(self._run(text, finish))

    def ask(self, text: str) -> Boolean:
        """Run an ASK in the store."""
        from pyoxigraph import QueryBoolean

        def finish(answer: Any) -> bool:
            if not isinstance(answer, QueryBoolean):
                raise QueryError("expected an ASK query")
            return bool(answer)

        return Boolean(self._run(text, finish))

    def all_triples(self) -> list[Any]:
        """Every triple of the store, read straight from its index (no query to parse)."""
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, None)]

    def close(self) -> None:
        """Drop the store handle (pyoxigraph closes it when the last reference goes)."""
        self.store = None


class EndpointBackend(Backend):
    """Any SPARQL 1.1 Protocol endpoint, through SPARQLWrapper (POST, JSON or Turtle answers).

    The deadline is a total one (connection, server time and download together) and the answer is
    read in chunks up to the size limit: a server that trickles bytes or sends hundreds of megabytes
    gets an error, not a hang.
    """

    CHUNK = 64 * 1024

    def __init__(self, url: str, timeout: float = 30.0, limits: Limits | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self.limits = limits or Limits(timeout_s=timeout)
        self.timeout = self.limits.timeout_s
        self.description = f"SPARQL endpoint {url}"

    def _download(self, text: str, fmt: str) -> bytes:
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        check_query(text)
        client = SPARQLWrapper(self.url)
        # SPARQLWrapper takes the query form from the first keyword it sees, comments included (a header
        # saying "adds" made it send a SELECT as an ADD update): full-line comments never go out.
        client.setQuery("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
        client.setMethod(POST)
        client.setReturnFormat(fmt)
        client.setTimeout(max(1, int(self.timeout)))
        url, timeout = self.url, self.timeout
        deadline = time.monotonic() + timeout
        try:
            response = client.query().response
            parts, size = [], 0
            while chunk := response.read(self.CHUNK):
                size += len(chunk)
                if size > self.limits.max_bytes:
                    raise EndpointError(f"endpoint {url}: {self.limits.too_big()}")
                if time.monotonic() > deadline:
                    raise TimeoutError
                parts.append(chunk)
            return b"".join(parts)
        except SPARQLWrapperException as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EndpointError(f"endpoint {url} answered with an error: {first}") from exc
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"endpoint {url} answered HTTP {exc.code} {exc.reason}") from exc
        except TimeoutError as exc:
            raise EndpointError(f"endpoint {url} did not answer within {timeout:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise EndpointError(f"endpoint {url} did not answer within {timeout:g} s") from exc
            raise EndpointError(f"endpoint {url} is unreachable: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise EndpointError(f"endpoint {url} connection failed: {exc}") from exc

    def _fetch(self, text: str, fmt: str) -> bytes:
        """The whole exchange under the total deadline (a thread, so a stalled socket cannot hold us)."""
        try:
            return within(self.limits, lambda: self._download(text, fmt))
        except QueryError as exc:
            raise EndpointError(f"endpoint {self.url} did not answer within {self.timeout:g} s") from exc

    def _json(self, text: str) -> dict[str, Any]:
        from SPARQLWrapper import JSON

        body = self._fetch(text, JSON)
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise EndpointError(f"endpoint {self.url} answered with malformed JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise EndpointError(f"endpoint {self.url} did not answer with SPARQL JSON results")
        return data

    def select(self, text: str) -> Rows:
        """Run a SELECT on the endpoint."""
        data = self._json(text)
        try:
            return Rows(list(data["head"]["vars"]), list(data["results"]["bindings"]))
        except (KeyError, TypeError) as exc:
            raise EndpointError(f"endpoint {self.url} answered JSON that is not SPARQL results "
                                f"({exc})") from exc

    def ask(self, text: str) -> Boolean:
        """Run an ASK on the endpoint."""
        data = self._json(text)
        if not isinstance(data.get("boolean"), bool):
            raise EndpointError(f"endpoint {self.url} did not answer an ASK query with a boolean")
        return Boolean(data["boolean"])

    def construct(self, text: str) -> Triples:
        """Run a CONSTRUCT on the endpoint; the Turtle answer is parsed with pyoxigraph."""
        from pyoxigraph import RdfFormat, parse
        from SPARQLWrapper import TURTLE

        data = self._fetch(text, TURTLE)
        try:
            return Triples([q.triple for q in parse(data, format=RdfFormat.TURTLE)])
        except SyntaxError as exc:
            raise EndpointError(f"endpoint {self.url} answered malformed Turtle: {exc}") from exc


BACKENDS: Registry[type[Backend]] = Registry("backend")
BACKENDS.add("oxigraph", OxigraphBackend)
BACKENDS.add("endpoint", EndpointBackend)
