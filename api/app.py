"""The FastAPI application: built by `create_app`, loading its index and model in the lifespan."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import torch
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import errors, routes
from api.middleware import Metrics, ServiceMiddleware
from retriever.errors import GuideRagError, NotReadyError
from retriever.index import current_build
from retriever.pipeline import Pipeline
from retriever.settings import Settings, get_settings

log = logging.getLogger("guide_rag.api")
WORKER_THREADS = 4


class ServiceState:
    """What the routes serve from: a loaded pipeline, or why there is none yet."""

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.error: GuideRagError | None = None
        self.loaded = threading.Event()
        self._reload_lock = threading.Lock()
        if pipeline is not None:
            self.loaded.set()

    def load(self) -> None:
        try:
            # One intra-op thread per request: with torch's default (all cores) two requests, or
            # any other process, oversubscribe 2 cores and single queries stall for ~0.5 s.
            torch.set_num_threads(1)
            self.pipeline = Pipeline.load(self.settings)
            stats = self.pipeline.stats
            log.info("ready: %d chunks from %s (model %s)", stats.chunks, stats.path, stats.model)
        except GuideRagError as exc:
            self.error = exc
            log.error("cannot serve: %s", exc)
        except Exception as exc:  # a bug, not a bad index: still tell /ready instead of hanging
            log.exception("loading failed")
            self.error = NotReadyError(f"loading failed ({type(exc).__name__}); see the server log")
        finally:
            self.loaded.set()

    def reload(self) -> bool:
        """Swap in the published build if it is not the one served; True if it swapped.

        Requests already running keep the pipeline they started with; the next ones get the new
        one. A build that fails to load is logged and the old one stays in service.
        """
        with self._reload_lock:
            current = self.pipeline
            if current is None:
                return False
            try:
                published = current_build(self.settings.index_dir).name
                if published == current.build.manifest.build_id:
                    return False
                # The model is shared: only the index is new.
                fresh = Pipeline.load(self.settings, embedder=current.embedder)
            except GuideRagError as exc:
                log.error("kept build %s: %s", current.build.manifest.build_id, exc)
                return False
            self.pipeline = fresh
            log.info("now serving build %s", fresh.build.manifest.build_id)
            return True

    def watch(self, stop: threading.Event) -> None:
        """Poll the CURRENT pointer; a newly published index is served without a restart."""
        interval = self.settings.reload_seconds
        while not stop.wait(interval):
            try:
                self.reload()
            except Exception:  # a watcher that dies would silently stop following the index
                log.exception("reload check failed")

    def require(self) -> Pipeline:
        if self.pipeline is not None:
            return self.pipeline
        if self.error is not None:
            raise self.error
        raise NotReadyError("the index and model are still loading; retry in a few seconds")


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """The app; pass `pipeline` to serve an already loaded one (tests share one model)."""
    state = ServiceState(settings or get_settings(), pipeline)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Few threads for a 2-core CPU: forty (anyio's default) fight over the GIL with the
        # event loop, and then even a 503 for overload comes late.
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        if not state.loaded.is_set():
            # Loaded beside the server so /health answers at once and /ready tells when it is done.
            threading.Thread(target=state.load, name="guide-rag-load", daemon=True).start()
        stop = threading.Event()
        if state.settings.reload_seconds > 0:
            threading.Thread(
                target=state.watch, args=(stop,), name="guide-rag-reload", daemon=True
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
    app.state.service = state
    app.state.metrics = Metrics()
    errors.install(app)
    app.add_middleware(
        ServiceMiddleware,
        metrics=app.state.metrics,
        max_body_bytes=state.settings.max_body_bytes,
        max_concurrency=state.settings.max_concurrency,
    )
    if state.settings.cors_origins:  # off unless asked for: the API serves its own page
        app.add_middleware(
            CORSMiddleware,
            allow_origins=state.settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization", "x-request-id"],
        )
    app.include_router(routes.router)
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html")

    return app
