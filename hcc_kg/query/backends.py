"""One backend contract, three engines: an embedded store on disk, one in memory, a SPARQL 1.1 endpoint.

``KnowledgeGraph`` talks only to this contract; the shared test suite (``tests/backend_contract.py``)
runs the same checks against every backend, as oaklib's compliance tester does for its adapters.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.results import Boolean, Rows, Triples
from hcc_kg.registry import Registry


class Backend(ABC):
    """Where queries run. Every method takes finished SPARQL text (parameters already bound)."""

    description: str

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


class OxigraphBackend(Backend):
    """A pyoxigraph store in this process (a release's on-disk store, or an in-memory copy)."""

    def __init__(self, store: Any, description: str) -> None:
        self.store = store
        self.description = description

    def _run(self, text: str) -> Any:
        try:
            return self.store.query(text)
        except SyntaxError as exc:
            raise QueryError(f"query does not parse: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def select(self, text: str) -> Rows:
        """Run a SELECT in the store; answers come back as SPARQL JSON, as from an endpoint."""
        from pyoxigraph import QueryResultsFormat, QuerySolutions

        answer = self._run(text)
        if not isinstance(answer, QuerySolutions):
            raise QueryError("expected a SELECT query")
        data = json.loads(answer.serialize(format=QueryResultsFormat.JSON) or b"{}")
        return Rows(data["head"]["vars"], data["results"]["bindings"])

    def construct(self, text: str) -> Triples:
        """Run a CONSTRUCT or DESCRIBE in the store."""
        from pyoxigraph import QueryTriples

        answer = self._run(text)
        if not isinstance(answer, QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return Triples(list(answer))

    def ask(self, text: str) -> Boolean:
        """Run an ASK in the store."""
        from pyoxigraph import QueryBoolean

        answer = self._run(text)
        if not isinstance(answer, QueryBoolean):
            raise QueryError("expected an ASK query")
        return Boolean(bool(answer))

    def all_triples(self) -> list[Any]:
        """Every triple, read straight from the store's quads rather than through a CONSTRUCT."""
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, None)]

    def close(self) -> None:
        """Drop the store, so its files can be released."""
        self.store = None


class EndpointBackend(Backend):
    """Any SPARQL 1.1 Protocol endpoint, through SPARQLWrapper (POST, JSON or Turtle answers)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self.timeout = timeout
        self.description = f"SPARQL endpoint {url}"

    def _response(self, text: str, fmt: str) -> Any:
        import socket
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url)
        # SPARQLWrapper takes the query form from the first keyword it sees, comments included (a header
        # saying "adds" made it send a SELECT as an ADD update): full-line comments never go out.
        client.setQuery("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
        client.setMethod(POST)
        client.setReturnFormat(fmt)
        client.setTimeout(int(max(1, self.timeout)))
        url, timeout = self.url, self.timeout
        try:
            response = client.query()
            return response.convert()
        except SPARQLWrapperException as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EndpointError(f"endpoint {url} answered with an error: {first}") from exc
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"endpoint {url} answered HTTP {exc.code} {exc.reason}") from exc
        except TimeoutError as exc:
            raise EndpointError(f"endpoint {url} did not answer within {timeout:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise EndpointError(f"endpoint {url} did not answer within {timeout:g} s") from exc
            raise EndpointError(f"endpoint {url} is unreachable: {exc.reason}") from exc
        except (ValueError, json.JSONDecodeError) as exc:
            raise EndpointError(f"endpoint {url} answered with malformed JSON: {exc}") from exc
        except (ConnectionError, OSError) as exc:
            raise EndpointError(f"endpoint {url} connection failed: {exc}") from exc

    def _json(self, text: str) -> dict[str, Any]:
        from SPARQLWrapper import JSON

        data = self._response(text, JSON)
        if not isinstance(data, dict):
            raise EndpointError(f"endpoint {self.url} did not answer with SPARQL JSON results")
        return data

    def select(self, text: str) -> Rows:
        """Run a SELECT on the endpoint; a reply that is not SPARQL results is an EndpointError."""
        data = self._json(text)
        try:
            return Rows(list(data["head"]["vars"]), list(data["results"]["bindings"]))
        except (KeyError, TypeError) as exc:
            raise EndpointError(f"endpoint {self.url} answered JSON "
                                f"that is not SPARQL results ({exc})") from exc

    def ask(self, text: str) -> Boolean:
        """Run an ASK on the endpoint; a reply without a boolean is an EndpointError."""
        data = self._json(text)
        if not isinstance(data.get("boolean"), bool):
            raise EndpointError(f"endpoint {self.url} did not answer an ASK query with a boolean")
        return Boolean(data["boolean"])

    def construct(self, text: str) -> Triples:
        """Run a CONSTRUCT or DESCRIBE on the endpoint, asking for Turtle."""
        from pyoxigraph import RdfFormat, parse
        from SPARQLWrapper import TURTLE

        data = self._response(text, TURTLE)
        if not isinstance(data, bytes):
            raise EndpointError(f"endpoint {self.url} did not answer a CONSTRUCT query with Turtle")
        try:
            return Triples([q.triple for q in parse(data, format=RdfFormat.TURTLE)])
        except SyntaxError as exc:
            raise EndpointError(f"endpoint {self.url} answered malformed Turtle: {exc}") from exc


BACKENDS: Registry[type[Backend]] = Registry("backend")
BACKENDS.add("oxigraph", OxigraphBackend)
BACKENDS.add("endpoint", EndpointBackend)
