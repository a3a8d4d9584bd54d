"""`guide-rag serve`: the HTTP API under uvicorn, over the published index or a bundle."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from cli.edge import err, serving_process, settings
from cli.options import IndexDir
from config.settings import Settings
from retriever.errors import GuideRagError

if TYPE_CHECKING:
    from api.adaptation import Adaptation


class ServeOptionsError(GuideRagError):
    pass


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (GUIDE_RAG_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GUIDE_RAG_PORT).")] = None,
    index_dir: IndexDir = None,
    bundle: Annotated[
        Path | None,
        typer.Option(
            "--bundle",
            help="Serve this bundle (folder or .tar from `guide-rag bundle`), read-only, checked "
            "file by file first (GUIDE_RAG_BUNDLE).",
        ),
    ] = None,
    adapt: Annotated[
        bool,
        typer.Option(
            "--adapt",
            help="Meanwhile adapt the model to the guides (`guide-rag tune`, then `ingest`) and "
            "serve the adapted model and index when they are published (`make run` does).",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API with uvicorn: the published index and the model it was built with, or
    everything from one bundle."""
    if bundle is not None and index_dir is not None:
        raise ServeOptionsError("give --bundle or --index-dir, not both: a bundle holds its index")
    if bundle is not None and adapt:
        raise ServeOptionsError("a bundle is served as it was made: --adapt needs --index-dir")
    s = settings(host=host, port=port, index_dir=index_dir, bundle=bundle)
    if s.paths.bundle is None:
        from retriever.index import current_build

        current_build(s.paths.index)  # fail here, in one line, rather than serve nothing
        _run(s, _adaptation(s) if adapt else None)
        return
    from retriever.bundle import open_bundle

    # An unpacked .tar lives in a temporary folder: SIGTERM must unwind to remove it.
    with _terminate_unwinds(), open_bundle(s.paths.bundle) as opened:  # checked before we listen
        m = opened.manifest
        err.print(f"serving bundle {s.paths.bundle}: build {m.build_id}, model {m.model.name}, "
                  f"{len(m.files)} files verified", markup=False, highlight=False)  # fmt: skip
        # A bundle never changes, and the server only reads it: nothing to poll for.
        _run(s.override(index_dir=opened.index_dir, models_dir=opened.models_dir,
                        reload_seconds=0))  # fmt: skip


class _Terminated(BaseException):
    pass


@contextmanager
def _terminate_unwinds() -> Iterator[None]:
    """SIGTERM raises, so `finally` blocks run; then the process ends by SIGTERM as it would
    have. (uvicorn catches SIGTERM while serving, drains, and raises it again on its way out.)"""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _adaptation(s: Settings) -> Adaptation:
    """`guide-rag tune`, then `guide-rag ingest` into the served index: this very command line,
    in subprocesses that see the same settings."""
    from api.adaptation import Adaptation

    cli = [sys.executable, "-c", "from cli.app import main; main()"]
    index = ["--index-dir", str(s.paths.index)]
    model = ["--model", str(s.tuned_dir)]
    return Adaptation([[*cli, "tune", "--json"], [*cli, "ingest", *index, *model, "--json"]])


def _run(s: Settings, adaptation: Adaptation | None = None) -> None:
    serving_process(s)
    import uvicorn

    from api.app import create_app
    from api.protocol import GuardedHttpTools

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    access = logging.getLogger("guide_rag.access")  # one bare JSON object per line
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    # The MCP SDK logs every stateless exchange at /mcp ("Terminating session") at INFO.
    logging.getLogger("mcp.server.streamable_http").setLevel(logging.WARNING)
    uvicorn.run(
        create_app(s, adaptation=adaptation),
        host=s.server.host,
        port=s.server.port,
        http=GuardedHttpTools,  # JSON 414/431/400 for what the HTTP parser refuses
        access_log=False,  # the app logs one JSON line per request instead
        timeout_graceful_shutdown=30,  # SIGTERM: stop accepting, finish what is in flight
    )
