"""From retrieved hits to a cited answer: the question's shape, context widening, composition."""

from retriever.answer.composer import Composer
from retriever.answer.context import Context, RetrievedOnly, WholeLists, Widener
from retriever.answer.render import ABSTAIN_TEXT, Piece, abstain, render, render_text
from retriever.answer.shape import Shape, shape_of
from retriever.answer.terms import TermWeights

__all__ = [
    "ABSTAIN_TEXT",
    "Composer",
    "Context",
    "Piece",
    "RetrievedOnly",
    "Shape",
    "TermWeights",
    "WholeLists",
    "Widener",
    "abstain",
    "render",
    "render_text",
    "shape_of",
]
