"""`guide-rag ask` and `guide-rag search`: one question against the published index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import render
from cli.edge import serving_process, settings
from cli.options import AsJson, Documents, IndexDir, TopK
from retriever.limits import MAX_K

if TYPE_CHECKING:
    from retriever.qa import QA


def load_qa(index_dir: object) -> QA:
    from retriever.qa import QA  # the index and model stack: only for the commands that ask

    s = settings(index_dir=index_dir)
    serving_process(s)  # as a server: it reads a published index and asks it
    return QA.load(s.serving())


def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    top_k: TopK = 5,
    documents: Documents = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question from the guides, with numbered sources."""
    answer = load_qa(index_dir).ask(question, top_k, documents)
    if as_json:
        render.print_json(answer.to_dict())
    else:
        render.answer(answer)


def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", min=1, max=MAX_K)] = 5,
    documents: Documents = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """The passages closest to the query, best first."""
    found = load_qa(index_dir).search(query, k, documents)
    if as_json:
        render.print_json({"query": query, "hits": [h.to_dict() for h in found]})
    else:
        render.hits(found)
