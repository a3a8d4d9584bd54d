"""Which passages of another section than the first passage's may speak in an answer.

An answer keeps to the first passage's section: a passage of another section is far more often
an off-topic citation than the holder of a missing fact (docs/evaluation.md). One kind is let
in: a passage of the first few that matches the question about as well as the first one and
holds a word of the question that the first one lacks, where what is asked may be.
"""

from __future__ import annotations

from functools import lru_cache

from retriever.answer.context import Context
from retriever.answer.terms import terms
from retriever.types import Hit


def same_section(a: Hit, b: Hit) -> bool:
    return (a.chunk.document_id, a.chunk.section) == (b.chunk.document_id, b.chunk.section)


def passage_beside(question: str, context: Context, reach: int, margin: float) -> list[Hit]:
    """The first of the first `reach` hits, of another section than the first hit's, within
    `margin` of its cosine (or over it), that holds a word of the question the first one lacks.

    "I'm Kwame, launching a fintech product in Ghana where most people get online through their
    phones. What should I prioritise in my browser testing?" ranked first a passage on which
    phones such an audience uses; another section's passage, closer still (0.578 against 0.553),
    says what to do ("if your product targets a market where mobile phones are the primary
    means…, make mobile browser support a priority"), and only it holds "product". Without the
    word, a passage as close to the question cost more citations than it brought facts."""
    top = context.top
    wanted = terms(question) - _terms(top)
    return [
        h
        for h in context.hits
        if h.rank <= reach and not same_section(h, top) and h.score >= top.score - margin
        if wanted & _terms(h)
    ][:1]


def _terms(hit: Hit) -> frozenset[str]:
    return _passage_terms(hit.chunk.lead, hit.chunk.text)


@lru_cache(maxsize=4096)  # a passage's words are read once, not on every question it ranks for
def _passage_terms(lead: str, text: str) -> frozenset[str]:
    return frozenset(terms(f"{lead} {text}"))
