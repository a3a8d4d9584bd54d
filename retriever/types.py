"""Value objects that cross module boundaries, and their one JSON shape (`to_dict`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrievable unit of a guide: what users see (`text`) and where it came from."""

    id: str
    document_id: str
    document_title: str
    section: str
    position: int
    kind: str  # paragraph | list_item | table_row | faq
    text: str
    span: tuple[int, int]
    source: str
    embed_text: str = ""
    # The sentence that introduces a list item's list, or a FAQ answer's question. `text` starts
    # with it, so a chunk reads on its own; ingest records it so nobody re-parses the text.
    lead: str = ""

    @property
    def own_text(self) -> str:
        """The text without its lead: a list item alone, a FAQ answer without its question."""
        if not self.lead:
            return self.text
        sep = "\n- " if self.kind == "list_item" else "\n"
        return self.text.removeprefix(self.lead + sep)


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float  # cosine similarity (mean over the embedded views), whatever ranked it
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "document": self.chunk.document_id,
            "section": self.chunk.section,
            "chunk_id": self.chunk.id,
            "score": round(self.score, 4),
            "text": self.chunk.text,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    document: str
    section: str
    chunk_id: str
    score: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "document": self.document,
            "section": self.section,
            "chunk_id": self.chunk_id,
            "score": self.score,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class AnswerPart:
    """A piece of the answer, copied verbatim from the chunk of citation `n`."""

    text: str
    n: int
    bullet: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    parts: tuple[AnswerPart, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
        }
