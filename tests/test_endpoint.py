"""The same saved queries on a real SPARQL server (Oxigraph's, from PyPI) on 127.0.0.1, and the errors a
user sees when an endpoint is down, slow, failing or answering garbage."""

from __future__ import annotations

import http.server
import socket
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
from pyoxigraph import RdfFormat, parse, serialize

from hcc_kg.cli import cli
from hcc_kg.errors import EndpointError
from hcc_kg.queries import Results, parse_query_file, run, run_remote
from hcc_kg.remote import Endpoints, publish, serve_command

QUERIES = sorted(p for p in (Path(__file__).resolve().parent.parent / "queries").glob("*.rq")
                 if parse_query_file(p).form == "SELECT")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(location: Path, allow_update: bool) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    port = free_port()
    proc = subprocess.Popen(serve_command(location, "127.0.0.1", port, allow_update),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            return proc, base
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None:
                raise RuntimeError("oxigraph server exited")
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("oxigraph server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, base = start_server(tmp_path_factory.mktemp("oxigraph"), allow_update=True)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def published(server: str, graph_ttl: Path) -> str:
    with graph_ttl.open("rb") as handle:
        data = serialize(parse(handle, format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)
    publish(data, Endpoints.from_base(server))
    return server


def count(endpoint: str) -> int:
    result = run_remote(endpoint + "/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, Results)
    return int(result.values()[0]["n"])


def normalise(result: Results) -> list[tuple[str, ...]]:
    """Rows as sorted tuples; GROUP_CONCAT lists compared as sets (their order is not specified)."""
    def cell(text: str) -> str:
        return ", ".join(sorted(text.split(", "))) if ", " in text else text
    return sorted(tuple(cell(row[v]) for v in result.variables) for row in result.values())


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in QUERIES])
def test_remote_answers_equal_embedded(path: Path, built, published: str) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    saved = parse_query_file(path)
    local = run(saved, {}, build_dir=paths.build_dir, ontology=paths.ontology)
    remote = run(saved, {}, build_dir=paths.build_dir, ontology=paths.ontology, endpoint=published + "/query")
    assert isinstance(local, Results) and isinstance(remote, Results)
    assert local.rows, "every saved query answers something on the real data"
    assert remote.variables == local.variables
    assert normalise(remote) == normalise(local)


def test_cli_remote_query_with_chinese_parameter(built, published: str) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    result = CliRunner().invoke(cli, ["query", "run", "01_haic_combinations_os_pvi", "-p", "population=门静脉癌栓",
                                      "--endpoint", published + "/query", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "f004-he2019-os,FOLFOX-HAIC + sorafenib,sorafenib" in result.output


def test_publish_replaces_the_graph_and_a_failed_upload_leaves_it_whole(published: str, graph_ttl: Path) -> None:
    full = count(published)
    with graph_ttl.open("rb") as handle:
        data = serialize(parse(handle, format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)
    publish(data, Endpoints.from_base(published))  # publishing again replaces, never duplicates
    assert count(published) == full
    broken = data[: len(data) // 2] + b"<http://broken"  # the upload fails half-way through the body
    with pytest.raises(EndpointError, match="HTTP 400"):
        publish(broken, Endpoints.from_base(published))
    assert count(published) == full
    graphs = run_remote(published + "/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(graphs, Results) and graphs.rows == [], "no staging graph left behind"


def test_endpoint_down_is_one_clear_line(built) -> None:  # type: ignore[no-untyped-def]
    paths, _ = built
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="unreachable"):
        run_remote(url, "ASK {}", timeout=2)
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
        run_remote(misbehaving + path, "SELECT ?x WHERE { ?x ?y ?z }", timeout=1)


def test_read_only_server_refuses_updates(graph_ttl: Path, tmp_path: Path, built) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from hcc_kg.store import current_release

    location = tmp_path / "store"
    shutil.copytree(current_release(built[0].build_dir) / "store", location)
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
