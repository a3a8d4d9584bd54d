"""`guide-rag chat`: a conversation on the terminal, read as the page and /v1 read one: each
question with the earlier ones, so "and ML engineers?" follows the question before it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from cli import render
from cli.edge import err
from cli.options import Documents, IndexDir, TopK
from cli.query import load_qa
from retriever.errors import InvalidQueryError
from retriever.limits import MAX_HISTORY

NEW = {"/new", "/reset"}
QUIT = {"/quit", "/exit", "/bye"}


def chat(
    top_k: TopK = 5,
    documents: Documents = None,
    index_dir: IndexDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per answer.")] = False,
) -> None:
    """Ask question after question; a follow-up is read with the earlier ones.

    /new starts a new conversation; /quit or Ctrl-D ends it. Off a terminal, each line of stdin
    is a question, and with --json each answer is one line of JSON (as `ask --json` gives it).
    """
    qa = load_qa(index_dir)
    qa.keep(documents)  # an unknown guide id ends the command now, not at the first question
    interactive = sys.stdin.isatty()
    if interactive:
        err.print(
            "Ask a question. /new starts a new conversation, /quit or Ctrl-D ends.", highlight=False
        )
    history: list[str] = []
    for line in _lines(interactive):
        question = line.strip()
        if not question:
            continue
        if question.lower() in QUIT:
            break
        if question.lower() in NEW:
            history.clear()
            err.print("(new conversation)")
            continue
        try:
            answer = qa.ask(question, top_k, documents, history[-MAX_HISTORY:])
        except InvalidQueryError as exc:  # a question over the limit: said, and the chat goes on
            err.print(f"error: {exc}", markup=False, highlight=False)
            continue
        if as_json:
            render.print_json(answer.to_dict())
        else:
            render.answer(answer)
            render.out.print()
        history.append(question)


def _lines(interactive: bool) -> Iterator[str]:
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input("> ")
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C ends a chat, not an error
            err.print()
            return
