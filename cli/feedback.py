"""`guide-rag feedback export`: readers' verdicts as training data and a review file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import guarded, settings
from cli.options import AsJson

app = typer.Typer(help="Readers' verdicts on answers.", no_args_is_help=True)


@app.command("export")
@guarded
def export(
    out: Annotated[
        Path | None, typer.Option(help="Folder for the two files (default: home/var/feedback).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Helpful answers → feedback_train.jsonl (train format: `guide-rag tune --extra` takes it);
    not helpful → feedback_review.jsonl, for a person to read."""
    from feedback.export import export as export_feedback
    from feedback.store import FeedbackStore

    s = settings()
    store = FeedbackStore(s.feedback_db, s.feedback.feedback_max_rows)
    try:
        report = export_feedback(store, out or s.paths.var / "feedback")
    finally:
        store.close()
    if as_json:
        render.print_json(report.to_dict())
        return
    render.out.print(
        f"{report.helpful} helpful → {report.train}\n{report.not_helpful} not helpful → "
        f"{report.review}",
        highlight=False,
    )
