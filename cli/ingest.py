"""`guide-rag ingest`: build → calibrate → publish, with a progress bar on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import err, keep_out, progress_bar, settings, starter
from cli.options import AsJson, IndexDir, Model

EXIT_PARTIAL = 3  # ingest published, but skipped unreadable guides


class _BarProgress:  # ingest.build.Progress, drawn by rich
    def __init__(self, start: Callable[[int], Callable[[int], None]]) -> None:
        self.embedding = start


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Guide files or folders (default: the corpus dir).")
    ] = None,
    index_dir: IndexDir = None,
    model: Model = None,
    strict: Annotated[
        bool,
        typer.Option(
            help="Fail on a guide that is unreadable, over a budget or outside the paths given."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Say what would be added, changed and removed; write nothing.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Read the guides, embed what changed, publish a new index atomically (with the model's
    abstention calibration).

    Exit codes: 0 done, 3 done but some guides were skipped (see the warnings), 1 failed.
    """
    keep_out("numba")  # 0.24 s and 58 MB of every ingest, for nothing it does
    from ingest.build import run_ingest

    s = settings(index_dir=index_dir, model=model)
    with progress_bar(quiet=as_json) as bar:
        report = run_ingest(
            s,
            paths,
            progress=_BarProgress(starter(bar, "embedding")),
            strict=strict,
            dry_run=dry_run,
        )
    for skipped in report.skipped:
        err.print(f"warning: skipped {skipped.reason}", markup=False)
    if as_json:
        render.print_json(report.to_dict())
    else:
        render.ingest_report(report)
    if report.skipped:
        raise typer.Exit(EXIT_PARTIAL)
