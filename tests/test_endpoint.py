"""Publishing to a real SPARQL server (Oxigraph's, from PyPI) on 127.0.0.1, the CLI against it, and the
errors a user sees when an endpoint is down, slow, failing or answering garbage. (The saved queries'
answers on a server are checked by the shared backend suite, test_backends.py.)"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import free_port, start_server

from hcc_kg import KnowledgeGraph
from hcc_kg.cli import cli
from hcc_kg.endpoint.publish import Endpoints, publish
from hcc_kg.errors import EndpointError
from hcc_kg.query.backends import EndpointBackend
from hcc_kg.release.layout import Release


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, base = start_server(tmp_path_factory.mktemp("oxigraph"), allow_update=True)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def published(server: str, kg: KnowledgeGraph) -> str:
    kg.publish(server)
    return server


def count(endpoint: str) -> int:
    result = EndpointBackend(endpoint + "/query").select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(result.values()[0]["n"])


def test_published_graph_is_the_release(published: str, kg: KnowledgeGraph) -> None:
    """Every triple of the release, no more: the server's answers are the release's answers."""
    assert count(published) == len(kg.quads())
    remote = KnowledgeGraph.connect(published + "/query", paths=kg.paths)
    assert remote.select("01_haic_combinations_os_pvi").values() == kg.select("01_haic_combinations_os_pvi").values()


def test_cli_remote_query_with_chinese_parameter(built, published: str) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    result = CliRunner().invoke(cli, ["query", "run", "01_haic_combinations_os_pvi", "-p", "population=门静脉侵犯",
                                      "--endpoint", published + "/query", "--format", "csv"])
    assert result.exit_code == 0, result.output
    he = "f004-he2019-os,https://w3id.org/hcc-kg/id/finding/f004-he2019-os,tested benefit,FOLFOX-HAIC + sorafenib,sorafenib"
    assert he in result.output
    pvtt = CliRunner().invoke(cli, ["query", "run", "01_haic_combinations_os_pvi", "-p", "population=门静脉癌栓",
                                    "--endpoint", published + "/query", "--format", "csv"])
    assert [line.split(",", 1)[0] for line in pvtt.output.splitlines()[1:]] == ["f004-zheng2022-os"]


def test_publish_replaces_the_graph_and_a_failed_upload_leaves_it_whole(published: str, kg: KnowledgeGraph) -> None:
    full = count(published)
    data = kg.export("ntriples")
    publish(data, Endpoints.from_base(published))  # publishing again replaces, never duplicates
    assert count(published) == full
    broken = data[: len(data) // 2] + b"<http://broken"  # the upload fails half-way through the body
    with pytest.raises(EndpointError, match="HTTP 400"):
        publish(broken, Endpoints.from_base(published))
    assert count(published) == full
    graphs = EndpointBackend(published + "/query").select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs.rows == [], "no staging graph left behind"


def test_endpoint_down_is_one_clear_line(built) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="unreachable"):
        EndpointBackend(url, timeout=2).ask("ASK {}")
    hcc_kg = Path(sys.executable).with_name("hcc-kg")
    proc = subprocess.run([str(hcc_kg), "query", "run", "01", "--endpoint", url, "--timeout", "2"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "unreachable" in proc.stderr


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """A local endpoint that fails on purpose, by path."""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/slow"):
            time.sleep(3)
        if self.path.startswith("/error"):
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [' if self.path.startswith("/badjson")
                         else b'{"head": {"vars": []}, "boolean": true}')


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path,message", [("/error", "HTTP 500|error"), ("/badjson", "malformed JSON"),
                                          ("/slow", "did not answer within 1 s")])
def test_misbehaving_endpoint_errors(misbehaving: str, path: str, message: str) -> None:
    with pytest.raises(EndpointError, match=message):
        EndpointBackend(misbehaving + path, timeout=1).select("SELECT ?x WHERE { ?x ?y ?z }")


def test_read_only_server_refuses_updates(release: Release, tmp_path: Path) -> None:
    import shutil

    location = tmp_path / "store"
    shutil.copytree(release.store_dir, location)
    proc, base = start_server(location, allow_update=False)
    try:
        assert base.startswith("http://127.0.0.1:")
        request = urllib.request.Request(base + "/update", data=b"INSERT DATA { <http://a> <http://b> <http://c> }",
                                         headers={"Content-Type": "application/sparql-update"}, method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=5)
        assert count(base) == count_local(location)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def count_local(location: Path) -> int:
    from pyoxigraph import Store

    return len(Store.read_only(str(location)))
