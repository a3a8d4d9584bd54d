"""`guide-rag feedback export`: readers' verdicts as training data and a review file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import guarded, settings
from cli.options import AsJson
from retriever.errors import GuideRagError

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
    from feedback.open import open_store
    from feedback.store import FeedbackUnavailableError

    s = settings()
    store = open_store(url=s.feedback_url, db=s.feedback_db,
                       max_rows=s.feedback.feedback_max_rows)  # fmt: skip
    try:
        report = export_feedback(store, out or s.paths.var / "feedback")
    except FeedbackUnavailableError as exc:  # the operator gets the database's own words
        raise GuideRagError(
            f"cannot read the feedback database: {exc.reason} (GUIDE_RAG_FEEDBACK_URL)"
        ) from None
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
