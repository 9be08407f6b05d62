"""Running the web application with uvicorn (``hcc-kg web``): one process, one graph opened in memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hcc_kg.config import Paths
from hcc_kg.query.safety import Limits
from hcc_kg.web.sparql import SparqlService


def serve(paths: Paths, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
          memory_mb: int = 2048, ready: Callable[[str], None] | None = None) -> None:
    """Open the current release in memory once and serve the pages until interrupted.

    In memory because a long-lived process answers the flagship fastest from there (see the
    benchmark); ``/sparql`` runs on its own engine over a copy of the store (``web.sparql``).
    """
    import uvicorn

    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.web.app import create_app

    limits = limits or Limits()
    kg = KnowledgeGraph.open(Path(paths.build_dir), in_memory=True, paths=paths, limits=limits)
    sparql = SparqlService(kg.release, limits.timeout_s, memory_mb, limits.max_bytes)
    app = create_app(kg, sparql)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            lifespan="on")
    server = uvicorn.Server(config)
    if ready:
        ready(f"http://{host}:{port}/")
    try:
        server.run()
    finally:
        sparql.close()
        kg.close()
