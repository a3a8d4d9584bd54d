"""`guide-rag`: ingest, tune, ask, search, serve, eval. Domain errors become one line on stderr."""

from __future__ import annotations

import typer

from cli import feedback
from cli.evaluate import evaluate
from cli.ingest import ingest
from cli.query import ask, search
from cli.serve import serve
from cli.tune import tune

app = typer.Typer(
    help="Cited answers from the AI vs ML engineering career guide.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(ingest)
app.command()(tune)
app.command()(ask)
app.command()(search)
app.command()(serve)
app.command("eval")(evaluate)
app.add_typer(feedback.app, name="feedback")


def main() -> None:
    app()
