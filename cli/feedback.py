"""`guide-rag feedback export`: readers' verdicts as training data and a review file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import domain_errors, load_settings
from cli.options import AsJson
from feedback.settings import FeedbackSettings

app = typer.Typer(help="Readers' verdicts on answers.", no_args_is_help=True)


@app.command("export")
def export(
    out: Annotated[Path, typer.Option(help="Folder for the two files.")] = Path("var/feedback"),
    as_json: AsJson = False,
) -> None:
    """Helpful answers → feedback_train.jsonl (train format: `guide-rag tune --extra` takes it);
    not helpful → feedback_review.jsonl, for a person to read."""
    from feedback.export import export as export_feedback
    from feedback.store import FeedbackStore

    settings = load_settings(FeedbackSettings)
    with domain_errors():
        store = FeedbackStore(settings.feedback_db, settings.feedback_max_rows)
        report = export_feedback(store, out)
        store.close()
    if as_json:
        render.print_json(report.to_dict())
        return
    render.out.print(
        f"{report.helpful} helpful → {report.train}\n{report.not_helpful} not helpful → "
        f"{report.review}",
        highlight=False,
    )
