"""Serving a release over SPARQL 1.1 with Oxigraph's own server.

The server runs on a copy of the store, read-only by default.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hcc_kg.errors import EndpointError
from hcc_kg.release.layout import Release


def oxigraph_binary() -> str:
    """The `oxigraph` server executable from the PyPI package, next to this Python or on PATH."""
    candidate = Path(sys.executable).with_name("oxigraph")
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise EndpointError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def serve_command(location: Path, host: str = "127.0.0.1", port: int = 7878,
                  allow_update: bool = False) -> list[str]:
    """The command line that serves a store: read-only unless updates are explicitly allowed."""
    mode = "serve" if allow_update else "serve-read-only"
    return [oxigraph_binary(), mode, "--location", str(location), "--bind", f"{host}:{port}"]


def serve(location: Path, host: str = "127.0.0.1", port: int = 7878, allow_update: bool = False) -> int:
    """Run Oxigraph's server in the foreground until interrupted."""
    return subprocess.call(serve_command(location, host, port, allow_update))


def serve_release(release: Release, host: str = "127.0.0.1", port: int = 7878,
                  allow_update: bool = False) -> int:
    """Serve a private copy of the release's store (a read-write server must not touch the release)."""
    with tempfile.TemporaryDirectory(prefix="hcc-kg-serve-") as tmp:
        location = Path(tmp) / "store"
        shutil.copytree(release.store_dir, location)
        return serve(location, host, port, allow_update)
