"""A guide's "Yes, " or "No, ": which question it answers, and when it may open an answer.

A FAQ's "Yes, software developers transition successfully…" answers its own question ("Can
software developers switch from general roles to specialized AI or ML roles?"). To a question
that does not ask yes or no the particle answers nothing, so the sentence is quoted from the
word after it. To another yes-or-no question ("Will AI replace software engineers?") a bare
"Yes" would answer what was not asked: the FAQ's question comes first, so the reader sees what
the guide says yes to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from retriever.answer.render import Piece
from retriever.answer.terms import terms
from retriever.types import Chunk

# "Yes, " or "No — " opening a sentence that goes on (not "No degree is needed", "No-code tools").
_REPLY = re.compile(r"^(?:Yes|No)(?:\s*[,—–]|\s+-)\s*(?=\w)")


def replies(pieces: Sequence[Piece], question: str, yes_no: bool) -> list[Piece]:
    """The pieces, each "Yes, " or "No, " that opens one dropped (the question does not ask yes
    or no) or after the question it answers, when that is not the question asked."""
    if not yes_no:
        return [replace(p, text=_REPLY.sub("…", p.text, count=1)) for p in pieces]
    asked = terms(question)
    out: list[Piece] = []
    for piece in pieces:
        chunk = piece.hit.chunk
        said = any(p.hit.chunk.id == chunk.id and p.text == chunk.lead for p in out)
        if _REPLY.match(piece.text) and _answers_another(chunk, asked) and not said:
            out.append(Piece(piece.hit, chunk.lead))
        out.append(piece)
    return out


def _answers_another(chunk: Chunk, asked: set[str]) -> bool:
    """A FAQ answer whose question asks something the question asked does not say. Every word of
    its question in the one asked ("Can I switch?" for "can developers switch") is the same
    question; a wrong "same" would let a bare yes stand, a wrong "other" only repeats it."""
    lead = chunk.lead.strip()
    return chunk.kind == "faq" and lead.endswith("?") and not terms(lead) <= asked
