"""Hostile queries, servers and endpoints (issue 12, the query half): nothing leaves, nothing hangs.

Every case is a real process or server on 127.0.0.1: a listener records any request that reaches it
(it must record none), runaway queries end with an error naming the limit, a memory-hungry query
restarts the engine of `hcc-kg serve` and the next query is answered, a hostile `--graph` leaves the
target store as it was. Bounds are generous (the machines are shared); they are limits, not timings.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import free_port, start_server

from hcc_kg import KnowledgeGraph
from hcc_kg.curation.records import FindingRecord
from hcc_kg.endpoint.publish import Endpoints, publish
from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.backends import EndpointBackend
from hcc_kg.query.safety import Limits, blank_lexical, check_query
from hcc_kg.release.layout import Release

HCC_KG = str(Path(sys.executable).with_name("hcc-kg"))
# A runaway that takes time, not memory: three small sides (the typed nodes), 10^10 rows to count. The
# whole graph squared (?a ?b ?c . ?d ?e ?f) grew to the engine's memory cap before its 2 s deadline on a
# busy machine once the graph passed 17k triples, which tests the other limit.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?x . ?b a ?y . ?c a ?z }"
MEMORY_HOG = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request; answers nothing useful."""

    seen: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def _record(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": []}}')

    do_GET = do_POST = _record  # noqa: N815 - the http.server API


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that must receive nothing; yields its URL and what it received."""
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", _Recorder.seen
    httpd.shutdown()


def run_cli(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HCC_KG, *args], capture_output=True, text=True, timeout=timeout, env=env)


def one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


# --- the SERVICE rule, lexically -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . { SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE {\n  Service<{url}>{?s ?p ?o} }",
    "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?anything { ?s ?p ?o } }",
    "PREFIX ex: <http://e/> ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SERVICE <{url}> { ?s ?p ?o } }",
], ids=["plain", "lowercase", "silent", "sub-select", "no-space", "variable-bound", "variable", "ask",
        "construct", "after-comment"])
def test_service_is_refused_embedded_and_nothing_leaves(kg: KnowledgeGraph, listener: tuple[str, list[str]],
                                                       text: str, tmp_path: Path) -> None:
    url, seen = listener
    query = tmp_path / "q.rq"
    query.write_text(text.replace("{url}", url))
    with pytest.raises(QueryError, match="SERVICE .federated query. is not allowed"):
        kg.query(str(query))
    proc = run_cli("query", "run", str(query), "--build-dir", str(kg.release.folder.parent.parent))  # type: ignore[union-attr]
    one_line_error(proc, "SERVICE (federated query) is not allowed")
    time.sleep(0.2)
    assert seen == []


@pytest.mark.parametrize("text", [
    'SELECT ?service WHERE { ?service a <https://w3id.org/hcc-kg/ontology/SourceDocument> }',
    'SELECT ?s WHERE { ?s <https://w3id.org/hcc-kg/ontology/quote> ?q FILTER(CONTAINS(?q, "SERVICE <http://x/>")) }',
    'SELECT ?s WHERE { ?s a <http://example.org/SERVICE> } # SERVICE <http://x/> {',
    'PREFIX service: <http://example.org/> SELECT ?s WHERE { ?s service:x ?o }',
])
def test_service_as_a_name_string_iri_or_comment_is_not_refused(text: str) -> None:
    check_query(text)


def test_lexical_blanking_keeps_offsets() -> None:
    text = 'SELECT ?x WHERE { ?x <http://a/b> "WHERE {" . # WHERE {\n}'
    blanked = blank_lexical(text)
    assert len(blanked) == len(text) and blanked.count("WHERE {") == 1 and "http" not in blanked


def test_oversized_query_text_is_refused() -> None:
    with pytest.raises(QueryError, match="the limit is 200000"):
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000)


# --- deadlines and size limits on the embedded store ---------------------------------------------

def test_embedded_runaway_query_ends_at_its_deadline(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN)
    start = time.monotonic()
    proc = run_cli("query", "run", str(query), "--build-dir", str(built[0].build_dir), "--timeout", "1", timeout=60)
    one_line_error(proc, "did not finish within 1 s", "--timeout")
    assert time.monotonic() - start < 30


def test_library_deadline_and_size_limit(built) -> None:  # type: ignore[no-untyped-def]
    paths = built[0]
    kg = KnowledgeGraph.open(paths.build_dir, paths=paths, limits=Limits(timeout_s=0.5))
    with pytest.raises(QueryError, match="did not finish within 0.5 s"):
        kg.backend.select(CARTESIAN)
    small = KnowledgeGraph.open(paths.build_dir, paths=paths, limits=Limits(max_bytes=2_000))
    with pytest.raises(QueryError, match="larger than 0.002 MB"):
        small.select("02_evidence_table")
    with pytest.raises(QueryError, match="larger than 0.002 MB"):
        small.construct("11_construct_findings_for_population")
    assert small.select("01_haic_combinations_os_pvi", population="MajorPVTT").column("finding") == [
        "f004-zheng2022-os"], "a small answer still fits"


def test_size_limit_from_the_cli(built) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("query", "run", "02", "--build-dir", str(built[0].build_dir), "--max-mb", "0.001")
    one_line_error(proc, "larger than 0.001 MB (the answer size limit)")
    bad = run_cli("query", "run", "01", "--build-dir", str(built[0].build_dir), "--timeout", "0")
    assert bad.returncode == 2 and "must be a positive number" in bad.stderr


# --- hcc-kg serve: the guard and the supervised engine -------------------------------------------

@pytest.fixture()
def guarded(built) -> Iterator[tuple[str, subprocess.Popen[str]]]:  # type: ignore[no-untyped-def]
    """`hcc-kg serve` with a 2 s timeout and a 600 MB engine; yields its query URL and process."""
    port = free_port()
    proc = subprocess.Popen([HCC_KG, "serve", "--port", str(port), "--build-dir", str(built[0].build_dir),
                             "--timeout", "2", "--memory-mb", "600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
    yield url, proc
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def call(url: str, query: str | None = None, data: bytes | None = None,
         content_type: str = "application/x-www-form-urlencoded") -> tuple[int, str]:
    if query is not None:
        data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type,
                                                              "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def engine_pids(server_pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines()[1:]
            if line.split()[1] == str(server_pid) and "oxigraph" in line]


def test_serve_refuses_service_and_nothing_leaves(guarded: tuple[str, subprocess.Popen[str]],
                                                  listener: tuple[str, list[str]]) -> None:
    url, _ = guarded
    target, seen = listener
    for text in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", "SELECT * { SERVICE ?x { ?s ?p ?o } }"):
        status, body = call(url, text)
        assert status == 400 and body.startswith("SERVICE (federated query) is not allowed")
    status, body = call(url + "?" + urllib.parse.urlencode({"query": f"ASK {{ SERVICE <{target}> {{}} }}"}))
    assert status == 400
    time.sleep(0.2)
    assert seen == []


def test_serve_survives_a_runaway_and_a_memory_hog(guarded: tuple[str, subprocess.Popen[str]],
                                                    records: dict[str, object]) -> None:
    url, proc = guarded
    status, body = call(url, CARTESIAN)
    assert status == 503 and body.strip() == "the query did not finish within 2 s (the timeout)"
    before = engine_pids(proc.pid)
    status, body = call(url, MEMORY_HOG)
    assert status == 503 and "memory limit of 600 MB" in body and "restarted" in body
    status, body = call(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/hcc-kg/ontology/Finding> }")
    findings = sum(1 for r in records.values() if isinstance(r, FindingRecord))
    assert status == 200 and f'"value":"{findings}"' in body, f"the restarted engine answers ({body})"
    assert proc.poll() is None and engine_pids(proc.pid) != before


def test_serve_is_read_only_and_checks_requests(guarded: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = guarded
    base = url.rsplit("/", 1)[0]
    assert call(base + "/update", data=b"DROP ALL", content_type="application/sparql-update")[0] == 403
    assert call(base + "/store", data=b"<a> <b> <c> .", content_type="application/n-triples")[0] == 403
    assert call(base + "/elsewhere", "ASK {}")[0] == 404
    assert call(url, data=b"<xml/>", content_type="text/xml")[0] == 415
    status, body = call(url, data=b"query=ASK%7B%7D&query=ASK%7B%7D")
    assert status == 400 and "exactly one" in body
    status, body = call(url, "SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert call(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")[0] == 200


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_stopping_serve_stops_its_engine(guarded: tuple[str, subprocess.Popen[str]], how: int) -> None:
    _, proc = guarded
    engines = engine_pids(proc.pid)
    assert len(engines) == 1
    os.kill(proc.pid, how)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                              "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
                                              for pid in engines):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
                   for pid in engines), "the Oxigraph engine outlived serve"


# --- endpoint clients: total deadlines, answer size ----------------------------------------------

class _Trickle(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        if self.path.startswith("/huge"):
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
            for _ in range(40):
                self.wfile.write(b'{"x": {"type": "literal", "value": "' + b"y" * 65536 + b'"}},')
            return
        try:
            for _ in range(120):  # one byte a second: every read succeeds, the answer never ends
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    do_PUT = do_POST  # noqa: N815 - a store upload trickles the same way


@pytest.fixture()
def trickle() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_trickling_endpoint_hits_the_total_deadline(trickle: str) -> None:
    start = time.monotonic()
    with pytest.raises(EndpointError, match="did not answer within 2 s"):
        EndpointBackend(trickle + "/query", timeout=2).select("SELECT ?x WHERE { ?x ?y ?z }")
    assert time.monotonic() - start < 30
    proc = run_cli("query", "run", "01", "--endpoint", trickle + "/query", "--timeout", "2", timeout=60)
    one_line_error(proc, "did not answer within 2 s")


def test_huge_endpoint_answer_hits_the_size_limit(trickle: str) -> None:
    with pytest.raises(EndpointError, match="larger than 1 MB"):
        EndpointBackend(trickle + "/huge", limits=Limits(timeout_s=30, max_bytes=1_000_000)).select("SELECT ?x {}")


def test_publish_to_a_trickling_store_hits_its_deadline(trickle: str) -> None:
    start = time.monotonic()
    with pytest.raises(EndpointError, match="did not answer within 2 s"):
        publish(b"<http://a> <http://b> <http://c> .\n", Endpoints.from_base(trickle), timeout=2)
    assert time.monotonic() - start < 30


# --- publish: no update injection, no staging graph left behind -----------------------------------

@pytest.fixture()
def writable(tmp_path: Path) -> Iterator[str]:
    proc, base = start_server(tmp_path / "store", allow_update=True)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def graphs(base: str) -> set[str]:
    rows = EndpointBackend(base + "/query").select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return set(rows.column("g"))


@pytest.mark.parametrize("graph", [
    "http://e/g> ; DROP GRAPH <http://e/victim",
    "http://e/g>} ; CLEAR ALL ; INSERT DATA {<http://e/a> <http://e/b> <http://e/c>",
    "relative/graph",
    "http://e/g with space",
    "javascript:alert(1)",
], ids=["drop", "clear", "relative", "space", "scheme"])
def test_publish_refuses_a_hostile_graph_iri(writable: str, graph: str, built) -> None:  # type: ignore[no-untyped-def]
    publish(b"<http://e/a> <http://e/b> <http://e/c> .\n", Endpoints.from_base(writable), "http://e/victim")
    proc = run_cli("publish", "--endpoint", writable, "--graph", graph, "--build-dir", str(built[0].build_dir))
    one_line_error(proc, "--graph")
    assert graphs(writable) == {"http://e/victim"}, "the victim graph is intact and nothing was staged"


class _FailingMove(http.server.BaseHTTPRequestHandler):
    """An update URL that fails the final MOVE and passes every other update to the real store."""

    store = ""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if body.startswith(b"MOVE"):
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"move failed")
            return
        request = urllib.request.Request(type(self).store + "/update", data=body,
                                         headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(request, timeout=30).read()
        self.send_response(204)
        self.end_headers()


def test_failed_swap_removes_the_staging_graph(writable: str) -> None:
    _FailingMove.store = writable
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FailingMove)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        endpoints = Endpoints.from_base(writable, update=f"http://127.0.0.1:{httpd.server_address[1]}/update")
        with pytest.raises(EndpointError, match="HTTP 500"):
            publish(b"<http://e/a> <http://e/b> <http://e/c> .\n", endpoints, "http://e/target")
        assert graphs(writable) == set(), "no staging graph left behind"
    finally:
        httpd.shutdown()


# --- saved queries as data ------------------------------------------------------------------------

def test_values_block_is_not_put_inside_a_string_literal(kg: KnowledgeGraph, tmp_path: Path) -> None:
    query = tmp_path / "tricky.rq"
    query.write_text(
        "#+ summary: s\n#+ description: d\n#+ params:\n#+   - name: f\n#+     type: record\n"
        "#+     kind: finding\n#+     default: f004-he2019-os\n#+     description: d\n"
        "PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n"
        'SELECT ?v ?note WHERE { ?f hcc:value ?v . BIND("WHERE { not syntax" AS ?note) }\n')
    from hcc_kg.query.saved import bound_text, parse_query_file

    text = bound_text(parse_query_file(query), {}, None)
    assert text.count("VALUES") == 1 and '"WHERE { not syntax"' in text
    assert kg.select(str(query)).values() == [{"v": "13.37", "note": "WHERE { not syntax"}]


def test_query_list_lists_the_good_and_flags_the_bad(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    shutil.copytree(Path(__file__).resolve().parent.parent / "queries", folder)
    (folder / "99_broken.rq").write_text("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n")
    proc = run_cli("query", "list", env=dict(os.environ, HCC_KG_QUERIES=str(folder)))
    assert proc.returncode == 1
    assert "01_haic_combinations_os_pvi" in proc.stdout and "12_source_contradictions" in proc.stdout
    assert proc.stderr.count("\n") == 1 and "99_broken.rq: malformed '#+' header" in proc.stderr


def test_release_store_is_untouched_by_serve(release: Release, guarded: tuple[str, subprocess.Popen[str]]) -> None:
    """serve runs on a copy: the release's own store files do not change while it serves."""
    before = {p.name: p.stat().st_mtime_ns for p in release.store_dir.iterdir()}
    call(guarded[0], "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert {p.name: p.stat().st_mtime_ns for p in release.store_dir.iterdir()} == before
