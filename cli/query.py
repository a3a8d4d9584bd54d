"""`guide-rag ask` and `guide-rag search`: one question against the published index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import render
from cli.edge import domain_errors, load_settings
from cli.options import AsJson, IndexDir, Model
from retriever.limits import MAX_K
from retriever.settings import Settings

if TYPE_CHECKING:
    from retriever.qa import QA


def _qa(index_dir: object, model: str | None) -> QA:
    from retriever.qa import QA  # the index and model stack: only for the commands that ask

    settings = load_settings(Settings, index_dir=index_dir, model=model)
    with domain_errors():
        return QA.load(settings)


def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=MAX_K)] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question from the guide, with numbered sources."""
    qa = _qa(index_dir, model)
    with domain_errors():
        answer = qa.ask(question, top_k)
    if as_json:
        render.print_json(answer.to_dict())
    else:
        render.answer(answer)


def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", min=1, max=MAX_K)] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """The passages closest to the query, best first."""
    qa = _qa(index_dir, model)
    with domain_errors():
        found = qa.search(query, k)
    if as_json:
        render.print_json({"query": query, "hits": [h.to_dict() for h in found]})
    else:
        render.hits(found)
