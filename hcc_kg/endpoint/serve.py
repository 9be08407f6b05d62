"""Serving a release over SPARQL 1.1: Oxigraph's server behind a small guard, on a copy of the store.

Oxigraph's server answers fast but would follow any ``SERVICE`` URL a client names, and one query can
take all its memory and abort it. So ``hcc-kg serve`` is two processes:

- the **engine**: ``oxigraph serve-read-only`` on a private loopback port, with Oxigraph's own query
  timeout (it cancels the evaluation) and an address-space cap; it dies with its parent
  (PR_SET_PDEATHSIG) and is restarted when it dies;
- the **guard**: the public SPARQL 1.1 Protocol endpoint (``/query``, GET and POST), which refuses
  SERVICE and oversized queries, forwards the rest, caps the answer size, and turns the engine's
  failures into one-line 4xx/5xx answers naming the limit that was hit. Updates are refused unless
  ``--allow-update``.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hcc_kg.errors import EndpointError, QueryError
from hcc_kg.query.safety import DEFAULT_MAX_BYTES, MAX_QUERY_CHARS, check_query
from hcc_kg.release.layout import Release

MAX_REQUEST_BYTES = 4 * MAX_QUERY_CHARS
UPDATE_TYPES = ("application/sparql-update",)
QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")
CHUNK = 64 * 1024


def oxigraph_binary() -> str:
    """The `oxigraph` server executable from the PyPI package, next to this Python or on PATH."""
    candidate = Path(sys.executable).with_name("oxigraph")
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise EndpointError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def serve_command(location: Path, host: str = "127.0.0.1", port: int = 7878,
                  allow_update: bool = False, timeout_s: float | None = None) -> list[str]:
    """The command line of Oxigraph's server on a store: read-only unless updates are allowed."""
    mode = "serve" if allow_update else "serve-read-only"
    command = [oxigraph_binary(), mode, "--location", str(location), "--bind", f"{host}:{port}"]
    return command + (["--timeout-s", str(max(1, round(timeout_s)))] if timeout_s else [])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _child_limits(memory_mb: int) -> Callable[[], None]:
    """What the engine process sets up before it runs: its memory cap, and death with its parent."""
    def setup() -> None:
        import ctypes
        import resource

        if memory_mb:
            cap = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass  # not Linux: the guard's signal handlers still stop the engine
    return setup


class Engine:
    """The supervised Oxigraph server: started on demand, restarted when it has died."""

    def __init__(self, location: Path, timeout_s: float, memory_mb: int, allow_update: bool) -> None:
        self.location, self.timeout_s, self.memory_mb = location, timeout_s, memory_mb
        self.allow_update = allow_update
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.restarts = 0
        self._lock = threading.Lock()
        # The engine dies with the *thread* that started it (PR_SET_PDEATHSIG follows the parent
        # thread), so one long-lived thread starts every engine, never a short-lived request thread.
        self._owner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hcc-kg-engine")

    def start(self) -> None:
        """Start the engine on a free loopback port and wait until it answers."""
        self._owner.submit(self._start).result()

    def _start(self, attempts: int = 3) -> None:
        # A free port can be taken by another process before the engine binds it: the engine then
        # exits at once, and we try again on another port (and never trust an answer from a port
        # whose engine has exited).
        for _ in range(attempts):
            port = _free_port()
            self.proc = subprocess.Popen(
                serve_command(self.location, "127.0.0.1", port, self.allow_update, self.timeout_s),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=_child_limits(self.memory_mb))
            self.base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    urllib.request.urlopen(self.base + "/query?query=ASK%7B%7D", timeout=1).read()
                except OSError:
                    time.sleep(0.05)
                    continue
                if self.proc.poll() is None:
                    return
            if self.proc.poll() is None:
                self.stop()
                raise EndpointError("the Oxigraph engine did not start within 60 s")
        raise EndpointError(f"the Oxigraph engine exited at start {attempts} times "
                            "(is the store readable, is there memory for it?)")

    def alive(self) -> bool:
        """Whether the engine process is running."""
        return self.proc is not None and self.proc.poll() is None

    def settle(self, seconds: float = 5.0) -> None:
        """Give an engine that broke a connection a moment to finish dying (so it is seen as dead)."""
        if self.proc is not None:
            try:
                self.proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                pass

    def revive(self) -> bool:
        """Restart the engine if it has died; True if it had to."""
        with self._lock:
            if self.alive():
                return False
            self.restarts += 1
            self.start()
            return True

    def stop(self) -> None:
        """Stop the engine (terminate, then kill after 5 s) and the thread that owns it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._owner.shutdown(wait=False)


class Refused(Exception):
    """A request the guard answers itself, with a status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Guard(ThreadingHTTPServer):
    """The public endpoint: checks each query, forwards it to the engine, enforces the limits."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], engine: Engine, max_bytes: int) -> None:
        super().__init__(address, _Handler)
        self.engine, self.max_bytes = engine, max_bytes

    def query_text(self, handler: _Handler) -> str:
        """The SPARQL query of a Protocol request (GET ?query=, POST form, or POST sparql-query)."""
        split = urllib.parse.urlsplit(handler.path)
        body = b""
        if handler.command == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:  # refused before the body is read
                raise Refused(413, f"the request is {length} bytes; the limit is {MAX_REQUEST_BYTES}")
            body = handler.rfile.read(length)
        kind = handler.headers.get("Content-Type") or ""
        form = body.decode("utf-8", "replace") if kind.startswith("application/x-www-form-urlencoded") else ""
        args = urllib.parse.parse_qs(split.query if handler.command == "GET" else form)
        return protocol_query(handler.command, kind, args, body)

    def forward(self, text: str, accept: str) -> tuple[int, str, bytes]:
        """Run the query on the engine; the status, content type and body to send back."""
        return forward(self.engine, text, accept, self.max_bytes)


def forward(engine: Engine, text: str, accept: str, max_bytes: int) -> tuple[int, str, bytes]:
    """Run a checked query on the engine: the status, content type and body to send back.

    Restarts a dead engine first; raises Refused naming the limit hit (answer size, timeout, memory).
    Shared by the guard and the web page's /sparql, so both cancel runaway queries the same way.
    """
    if not engine.alive():
        try:
            engine.revive()
        except EndpointError as exc:
            raise Refused(503, f"the query engine could not be restarted: {exc}") from None
    request = urllib.request.Request(
        engine.base + "/query", data=text.encode("utf-8"), method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": accept})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=engine.timeout_s + 30) as response:
            parts, size = [], 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise Refused(507, f"the answer is larger than {max_bytes / 1e6:g} MB "
                                       "(the answer size limit)")
                parts.append(chunk)
            body = b"".join(parts)
            status, kind = response.status, response.headers.get("Content-Type", "text/plain")
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:2000].decode("utf-8", "replace").strip().splitlines()[:1]
        raise Refused(exc.code, " ".join(detail) or str(exc.reason)) from None
    except OSError:
        engine.settle()
        try:
            restarted = engine.revive()
        except EndpointError as exc:
            raise Refused(503, f"the query engine stopped and could not be restarted: {exc}") from None
        if restarted:
            raise Refused(503, "the query engine stopped during this query (most likely it hit its "
                               f"memory limit of {engine.memory_mb} MB) and was restarted") from None
        raise Refused(502, "the query engine did not answer") from None
    elapsed = time.monotonic() - start
    if elapsed >= engine.timeout_s - 0.5 and body.rstrip().endswith(b"cancelled"):
        raise Refused(503, f"the query did not finish within {engine.timeout_s:g} s (the timeout)")
    return status, kind, body


class _Handler(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per request would drown the terminal."""

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path in ("/update", "/store"):
                raise Refused(403, "this endpoint is read-only")
            if path not in ("/query", "/sparql"):
                raise Refused(404, "not found: the SPARQL endpoint is /query")
            text = self.server.query_text(self)
            try:
                check_query(text)
            except QueryError as exc:
                raise Refused(400, str(exc)) from None
            accept = self.headers.get("Accept") or "application/sparql-results+json"
            self._send(*self.server.forward(text, accept))
        except Refused as exc:
            self._send(exc.status, "text/plain; charset=utf-8", (str(exc) + "\n").encode("utf-8"))
        except Exception as exc:  # the guard must answer every request, whatever went wrong
            message = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
            self._send(500, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        """A GET request (query in the URL)."""
        self._handle()

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        """A POST request (query in the body)."""
        self._handle()


def serve_release(release: Release, host: str = "127.0.0.1", port: int = 7878, allow_update: bool = False,
                  timeout_s: float = 30.0, memory_mb: int = 2048, max_bytes: int = DEFAULT_MAX_BYTES,
                  ready: Callable[[str], None] | None = None) -> int:
    """Serve a private copy of the release's store until SIGINT or SIGTERM; the engine stops with us.

    With ``allow_update`` Oxigraph's own server is run directly (a writable store for `publish`
    tests and staging), without the guard.
    """
    with tempfile.TemporaryDirectory(prefix="hcc-kg-serve-") as tmp:
        location = Path(tmp) / "store"
        shutil.copytree(release.store_dir, location)
        if allow_update:
            return subprocess.call(serve_command(location, host, port, True, timeout_s))
        engine = Engine(location, timeout_s, memory_mb, allow_update=False)
        engine.start()
        try:
            guard = Guard((host, port), engine, max_bytes)
        except OSError as exc:
            engine.stop()
            raise EndpointError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        if ready:
            ready(f"http://{host}:{guard.server_address[1]}/query")
        try:
            guard.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            guard.server_close()
            engine.stop()
        return 0


def protocol_query(method: str, content_type: str, args: dict[str, list[str]], body: bytes) -> str:
    """The query of a SPARQL 1.1 Protocol request, or Refused (an update, a bad or oversized request).

    ``args`` are the URL's parameters (GET) or the form's fields (POST form); ``body`` the raw POST body.
    """
    kind = content_type.split(";")[0].strip().lower()
    if "update" in args or kind in UPDATE_TYPES:
        raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
    if len(body) > MAX_REQUEST_BYTES:
        raise Refused(413, f"the request is {len(body)} bytes; the limit is {MAX_REQUEST_BYTES}")
    if method == "POST" and kind == "application/sparql-query":
        return body.decode("utf-8", "replace")
    if method == "POST" and kind not in QUERY_TYPES:
        raise Refused(415, "send the query as application/sparql-query or as a form field 'query'")
    values = args.get("query", [])
    if len(values) != 1:
        raise Refused(400, "give exactly one 'query'")
    return values[0]
