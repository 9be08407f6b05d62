"""Publishing the built graph to a SPARQL 1.1 store.

Publishing never leaves readers with half a graph: the data goes into a fresh staging named graph
(SPARQL 1.1 Graph Store HTTP Protocol), and one SPARQL Update ``MOVE`` replaces the target graph with
it; a store that runs each update request as one transaction (Oxigraph, Fuseki, GraphDB) makes the
switch atomic for readers. If the upload fails, the target graph is untouched.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from hcc_kg.errors import EndpointError

STAGING = "https://w3id.org/hcc-kg/graph/staging-"


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL 1.1 service."""

    query: str
    update: str
    store: str

    @classmethod
    def from_base(cls, url: str, update: str | None = None, store: str | None = None) -> Endpoints:
        """Oxigraph's layout (/query, /update, /store) unless the URLs are given explicitly."""
        base = url.rstrip("/")
        for suffix in ("/query", "/sparql"):
            base = base.removesuffix(suffix)
        return cls(query=base + "/query" if not url.rstrip("/").endswith(("/query", "/sparql")) else url,
                   update=update or base + "/update", store=store or base + "/store")


def _request(method: str, url: str, body: bytes, content_type: str, timeout: float) -> None:
    """One HTTP request under a total deadline (a server that trickles bytes cannot hold us)."""
    from hcc_kg.errors import QueryError
    from hcc_kg.query.backends import within
    from hcc_kg.query.safety import Limits

    try:
        within(Limits(timeout_s=timeout), lambda: _send(method, url, body, content_type, timeout))
    except QueryError as exc:
        raise EndpointError(f"{method} {url} did not answer within {timeout:g} s") from exc


def _send(method: str, url: str, body: bytes, content_type: str, timeout: float) -> None:
    if not url.startswith(("http://", "https://")):
        raise EndpointError(f"{url!r} is not an http(s) URL")
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - user-given URL
            while response.read(64 * 1024):
                pass
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
        raise EndpointError(f"{method} {url} answered HTTP {exc.code}: "
                            f"{' '.join(detail) or exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise EndpointError(f"{method} {url} failed: {exc.reason}") from exc
    except TimeoutError as exc:
        raise EndpointError(f"{method} {url} did not answer within {timeout:g} s") from exc
    except OSError as exc:
        raise EndpointError(f"{method} {url} failed: {exc}") from exc


def graph_term(graph: str) -> str:
    """A target graph IRI as a SPARQL term, validated and written by pyoxigraph (never spliced in)."""
    from pyoxigraph import NamedNode

    try:
        node = NamedNode(graph)
    except ValueError as exc:
        raise EndpointError(f"--graph {graph!r} is not an IRI ({exc})") from exc
    if not graph.startswith(("http://", "https://", "urn:")) or any(c in graph for c in "<>\"{}|^`\\ "):
        raise EndpointError(f"--graph {graph!r} is not an absolute http(s) or urn: IRI")
    return str(node)


def publish(ntriples: bytes, endpoints: Endpoints, graph: str | None = None, timeout: float = 120.0) -> str:
    """Load the graph into a staging graph, then replace ``graph`` (default graph if None) in one update.

    The target is checked before anything is sent; if the final MOVE fails, the staging graph is
    dropped, so a failed publish leaves the store as it was.
    """
    target = f"GRAPH {graph_term(graph)}" if graph else "DEFAULT"
    staging = graph_term(STAGING + uuid.uuid4().hex)
    url = endpoints.store + "?" + urllib.parse.urlencode({"graph": staging[1:-1]})
    try:
        _request("PUT", url, ntriples, "application/n-triples", timeout)
        _request("POST", endpoints.update, f"MOVE {staging} TO {target}".encode(),
                 "application/sparql-update", timeout)
    except EndpointError:
        _drop_quietly(staging, endpoints, timeout)
        raise
    return staging[1:-1]


def _drop_quietly(staging: str, endpoints: Endpoints, timeout: float) -> None:
    try:
        _request("POST", endpoints.update, f"DROP SILENT GRAPH {staging}".encode(),
                 "application/sparql-update", timeout)
    except EndpointError:
        pass
