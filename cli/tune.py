"""`guide-rag tune`: adapt the embedding model to the guides (a no-op when nothing changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import settings
from cli.options import AsJson, EvalDir


def tune(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Guide files or folders (default: the corpus dir).")
    ] = None,
    eval_dir: EvalDir = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where the model goes (GUIDE_RAG_TUNED_DIR).")
    ] = None,
    extra: Annotated[
        Path | None,
        typer.Option(help="More train questions, e.g. `guide-rag feedback export`'s file."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Train even when the inputs are unchanged.")] = False,
    as_json: AsJson = False,
) -> None:
    """Adapt the base model to the guides; a self-describing model folder that ingest then uses
    (GUIDE_RAG_MODEL=auto)."""
    from evaluation.evalset import read_questions
    from tuning.tune import run_tune

    s = settings(eval_dir=eval_dir, tuned_dir=out)
    more = read_questions(extra) if extra is not None else ()
    report = run_tune(s, paths, extra=more, progress=not as_json, force=force)
    if as_json:
        render.print_json(report.to_dict())
    else:
        render.tune_report(report)
