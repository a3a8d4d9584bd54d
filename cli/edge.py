"""The one place where errors meet the terminal: one line on stderr, a non-zero exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from retriever.errors import GuideRagError
from retriever.settings import Settings

err = Console(stderr=True, soft_wrap=True)
S = TypeVar("S", bound=Settings)


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except GuideRagError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted; the published index is unchanged", markup=False)
        raise typer.Exit(130) from None


class SettingsError(GuideRagError):
    def __init__(self, exc: ValidationError) -> None:
        what = "; ".join(
            f"{'.'.join(map(str, e['loc']))}={e.get('input')!r}: {e['msg']}" for e in exc.errors()
        )
        super().__init__(f"invalid setting {what}: fix the option or its GUIDE_RAG_* variable")


def load_settings(cls: type[S], **overrides: Any) -> S:
    """`cls` from GUIDE_RAG_* variables, with the command line's options (those given) on top."""
    with domain_errors():
        try:
            return cls(**{k: v for k, v in overrides.items() if v is not None})
        except ValidationError as exc:  # a bad GUIDE_RAG_* value or option
            raise SettingsError(exc) from exc


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
