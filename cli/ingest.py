"""`guide-rag ingest`: build → calibrate → publish, with a progress bar on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from cli import render
from cli.edge import domain_errors, err, load_settings, progress_bar
from cli.options import AsJson, EvalDir, IndexDir, Model
from evaluation.settings import EvalSettings
from ingest.settings import IngestSettings

EXIT_PARTIAL = 3  # ingest published, but skipped unreadable guides


class _BarProgress:  # ingest.build.Progress, drawn by rich
    def __init__(self, bar: Progress) -> None:
        self.bar = bar

    def embedding(self, total: int) -> Callable[[int], None]:
        task = self.bar.add_task("embedding", total=total)
        return lambda done: self.bar.advance(task, done)


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Guide files or folders (default: the corpus dir).")
    ] = None,
    index_dir: IndexDir = None,
    model: Model = None,
    eval_dir: EvalDir = None,
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
    """Read the guides, embed what changed, calibrate abstention, publish a new index atomically.

    The abstention threshold is fitted on the eval set's dev split when it covers every guide,
    else the measured fallback is recorded. Exit codes: 0 done, 3 done but some guides were
    skipped (see the warnings), 1 failed.
    """
    from evaluation.calibration import DevSplitCalibrator
    from ingest.build import run_ingest

    settings = load_settings(IngestSettings, index_dir=index_dir, model=model)
    evaluation = load_settings(EvalSettings, eval_dir=eval_dir)
    bar = progress_bar(quiet=as_json)
    with domain_errors(), bar:
        report = run_ingest(
            settings,
            paths,
            calibrator=DevSplitCalibrator(evaluation.eval_dir),
            progress=_BarProgress(bar),
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
