"""`guide-rag`: ingest, tune, bundle, ask, chat, search, serve, mcp, eval, feedback. Every
command runs guarded: domain errors become one line on stderr and an exit code."""

from __future__ import annotations

import typer

from cli import evaluate, feedback
from cli.bundle import bundle
from cli.chat import chat
from cli.edge import guarded
from cli.ingest import ingest
from cli.mcp import mcp
from cli.query import ask, search
from cli.serve import serve
from cli.tune import tune

app = typer.Typer(
    help="Cited answers from your guides.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (ingest, tune, bundle, ask, chat, search, serve, mcp):
    # The listing's one-line summary: the docstring's first paragraph, re-flowed (typer keeps
    # its line breaks there, which broke summaries mid-sentence in `guide-rag --help`).
    summary = " ".join((command.__doc__ or "").split("\n\n")[0].split())
    app.command(short_help=summary)(guarded(command))
app.add_typer(evaluate.app, name="eval")
app.add_typer(feedback.app, name="feedback")


def main() -> None:
    app()
