"""`guide-rag serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cli.edge import settings
from cli.options import IndexDir


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (GUIDE_RAG_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GUIDE_RAG_PORT).")] = None,
    index_dir: IndexDir = None,
) -> None:
    """Serve the HTTP API with uvicorn: the published index and the model it was built with."""
    import uvicorn

    from api.app import create_app
    from retriever.index import current_build

    s = settings(host=host, port=port, index_dir=index_dir)
    current_build(s.paths.index)  # fail here, in one line, rather than serve nothing
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    access = logging.getLogger("guide_rag.access")  # one bare JSON object per line
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    # The MCP SDK logs every stateless exchange at /mcp ("Terminating session") at INFO.
    logging.getLogger("mcp.server.streamable_http").setLevel(logging.WARNING)
    uvicorn.run(
        create_app(s),
        host=s.server.host,
        port=s.server.port,
        access_log=False,  # the app logs one JSON line per request instead
        timeout_graceful_shutdown=30,  # SIGTERM: stop accepting, finish what is in flight
    )
