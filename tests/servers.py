"""Real servers for the tests, on 127.0.0.1 only: Oxigraph's SPARQL server from PyPI."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from hcc_kg.endpoint.serve import serve_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(location: Path, allow_update: bool) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``oxigraph serve`` on a free loopback port; return the process and its base URL."""
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
                raise RuntimeError("oxigraph server exited") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("oxigraph server did not start")
