"""The FastAPI application: built by `create_app`, loading its index and model in the lifespan."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import errors, feedback, openai, routes
from api.middleware import Metrics, ServiceMiddleware
from api.service import Service
from api.settings import ServerSettings, get_server_settings
from retriever.qa import QA


def create_app(settings: ServerSettings | None = None, qa: QA | None = None) -> FastAPI:
    """The app; pass `qa` to serve an already loaded one (tests share one model)."""
    service = Service(settings or get_server_settings(), qa)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Few threads for a 2-core CPU: forty (anyio's default) fight over the GIL with the
        # event loop, and then even a 503 for overload comes late.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = service.settings.worker_threads
        if not service.loaded.is_set():
            threading.Thread(target=service.load, name="guide-rag-load", daemon=True).start()
        stop = threading.Event()
        if service.settings.reload_seconds > 0:
            threading.Thread(
                target=service.watch, args=(stop,), name="guide-rag-reload", daemon=True
            ).start()
        yield
        stop.set()

    app = FastAPI(
        title="guide-rag",
        version="0.1.0",
        summary="Cited answers from the AI vs ML engineering career guide.",
        description=(
            "Ask a career question and get a short answer built only from the guide's own "
            "sentences, each with a numbered citation to the section it came from."
        ),
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.metrics = Metrics()
    errors.install(app)
    app.add_middleware(
        ServiceMiddleware,
        metrics=app.state.metrics,
        max_body_bytes=service.settings.max_body_bytes,
        max_concurrency=service.settings.max_concurrency,
    )
    if service.settings.cors_origins:  # off unless asked for: the API serves its own page
        app.add_middleware(
            CORSMiddleware,
            allow_origins=service.settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization", "x-request-id"],
        )
    app.include_router(routes.router)
    app.include_router(feedback.router)
    app.include_router(openai.router)
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html")

    return app
