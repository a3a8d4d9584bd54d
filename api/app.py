"""The ASGI application: our API and page at /, the OpenAI-compatible API at /v1, each its own
app with its own error shape and body cap, and the MCP server at /mcp; all three serve the one
QA the Service loads (in the lifespan, with the MCP transport's task group).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from api import errors, feedback, openai, routes
from api.adaptation import Adaptation
from api.mcp_http import McpEndpoint
from api.middleware import ASGIApp, Gate, Metrics, ServiceMiddleware
from api.service import Service
from config.sections import ServerSection
from config.settings import Settings, load
from retriever.qa import QA

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None, qa: QA | None = None, adaptation: Adaptation | None = None
) -> Starlette:
    """The whole server; pass `qa` to serve an already loaded one (tests share one model), and
    `adaptation` to adapt the model beside serving (`guide-rag serve --adapt`)."""
    service = Service(settings or load(), qa, adaptation)
    server = service.settings.server
    gate = Gate(Metrics(), server.max_concurrency)
    mcp = McpEndpoint(lambda: _mcp_server(service), server)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Few threads for a 2-core CPU: forty (anyio's default) fight over the GIL with the
        # event loop, and then even a 503 for overload comes late.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = server.worker_threads
        if not service.loaded.is_set():
            threading.Thread(target=service.load, name="guide-rag-load", daemon=True).start()
        service.adaptation.start()
        stop = threading.Event()
        if server.reload_seconds > 0:
            threading.Thread(
                target=service.watch, args=(stop,), name="guide-rag-reload", daemon=True
            ).start()
        async with mcp.running():
            yield
        stop.set()
        service.feedback.close()

    main = _main_app(service, gate)
    v1 = _openai_app(service, gate)
    # A Route, not a Mount: a Mount at /mcp would not match /mcp itself, the URL hosts are given.
    at_mcp = Route("/mcp", endpoint=_mcp_app(mcp, gate, server))
    app = Starlette(routes=[Mount("/v1", app=v1), at_mcp, Mount("/", app=main)], lifespan=lifespan)
    app.state.service = service
    app.state.metrics = gate.metrics
    return app


def _mcp_server(service: Service) -> MCPServer[Any]:
    from api.mcp import build_server  # the SDK, on the first call to /mcp

    return build_server(service.require)


def _main_app(service: Service, gate: Gate) -> FastAPI:
    server = service.settings.server
    app = FastAPI(
        title="guide-rag",
        version="0.1.0",
        summary="Cited answers from the guides in the index.",
        description=(
            "Ask a question and get a short answer built only from the guides' own sentences, "
            "each with a numbered citation to the section it came from. The OpenAI-compatible "
            "API is documented at /v1/docs."
        ),
    )
    app.state.service = service
    app.state.metrics = gate.metrics
    errors.install(app, errors.ours)
    app.add_middleware(
        ServiceMiddleware,
        gate=gate,
        max_body_bytes=server.max_body_bytes,
        shape=errors.ours,
        body_hint="send a shorter question, or raise GUIDE_RAG_MAX_BODY_BYTES",
    )
    if server.cors_origins:  # off unless asked for: the API serves its own page
        app.add_middleware(
            CORSMiddleware,
            allow_origins=server.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization", "x-request-id"],
        )
    app.include_router(routes.router)
    app.include_router(feedback.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


def _openai_app(service: Service, gate: Gate) -> FastAPI:
    server = service.settings.server
    app = FastAPI(
        title="guide-rag: OpenAI-compatible API",
        version="0.1.0",
        summary="POST /v1/chat/completions with model `guide-rag`; errors in OpenAI's shape.",
    )
    app.state.service = service
    app.state.metrics = gate.metrics
    errors.install(app, errors.openai)
    app.add_middleware(
        ServiceMiddleware,
        gate=gate,
        max_body_bytes=server.max_chat_body_bytes,
        shape=errors.openai,
        body_hint=(
            "the conversation is too long; start a new one (only its last 20 questions are "
            "read), or raise GUIDE_RAG_MAX_CHAT_BODY_BYTES"
        ),
    )
    if server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=server.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization", "x-request-id"],
        )
    app.include_router(openai.router)
    return app


def _mcp_app(endpoint: McpEndpoint, gate: Gate, server: ServerSection) -> ASGIApp:
    app: ASGIApp = ServiceMiddleware(
        endpoint,
        gate=gate,
        max_body_bytes=server.max_body_bytes,
        shape=errors.jsonrpc,
        body_hint="send a shorter call, or raise GUIDE_RAG_MAX_BODY_BYTES",
    )
    if server.cors_origins:  # browser-based hosts (the MCP Inspector) read these headers
        app = CORSMiddleware(
            app,
            allow_origins=server.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["content-type", "authorization", "mcp-protocol-version",
                           "mcp-session-id", "last-event-id", "x-request-id"],
            expose_headers=["mcp-session-id", "mcp-protocol-version"],
        )  # fmt: skip
    return app
