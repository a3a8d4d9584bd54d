"""Numbered citations and the answer's text: 'Sentence. [1] Another. [2]', list items as '- '."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retriever.types import Answer, AnswerPart, Citation, Hit

ABSTAIN_TEXT = "The guide does not cover this question, so there is no answer to cite."


@dataclass(frozen=True, slots=True)
class Piece:
    """A verbatim piece of `hit`'s chunk chosen for the answer."""

    hit: Hit
    text: str
    bullet: bool = False


def abstain() -> Answer:
    return Answer(ABSTAIN_TEXT, abstained=True)


def render(pieces: Sequence[Piece]) -> Answer:
    """Number each cited chunk once, in order of first use."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[AnswerPart] = []
    for piece in pieces:
        chunk = piece.hit.chunk
        if chunk.id not in numbers:
            numbers[chunk.id] = len(numbers) + 1
            citations.append(
                Citation(
                    n=numbers[chunk.id],
                    document=chunk.document_id,
                    section=chunk.section,
                    chunk_id=chunk.id,
                    score=round(piece.hit.score, 4),
                    text=chunk.text,
                )
            )
        parts.append(AnswerPart(piece.text, numbers[chunk.id], piece.bullet))
    return Answer(
        render_text(parts), abstained=False, citations=tuple(citations), parts=tuple(parts)
    )


def render_text(parts: Sequence[AnswerPart]) -> str:
    """Parts joined by spaces; list items on their own lines, the intro's marker after the list."""
    out = ""
    for i, part in enumerate(parts):
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        # An intro's marker goes after its list; a question the passage then answers ("Can I
        # switch? Yes, …") shares the answer's.
        joined = (
            nxt is not None
            and not part.bullet
            and (nxt.bullet or (nxt.n == part.n and part.text.rstrip().endswith("?")))
        )
        marker = "" if joined else f" [{part.n}]"
        piece = f"- {part.text}{marker}" if part.bullet else f"{part.text}{marker}"
        sep = "\n" if (part.bullet or (nxt is not None and nxt.bullet)) else " "
        out += piece + (sep if nxt is not None else "")
    return out
