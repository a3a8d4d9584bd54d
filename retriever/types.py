"""Value objects that cross module boundaries, and their one JSON shape (`to_dict`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ChunkKind = Literal["paragraph", "list_item", "table_row", "faq"]
Span = tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """One retrievable unit of a guide: what users see (`text`) and where it came from."""

    id: str
    document_id: str
    document_title: str
    section: str
    position: int
    kind: ChunkKind
    text: str
    span: Span  # in the source file
    source: str
    embed_text: str = ""
    # The sentence that introduces a list item's list, or a FAQ answer's question. `text` starts
    # with it, so a chunk reads on its own; ingest records it so nobody re-parses the text.
    lead: str = ""
    # Where each sentence an answer may quote lies in `text` (never the lead). Ingest splits
    # once and the index stores the offsets: the sentence vectors are aligned to them, so they
    # must not depend on how today's code would split the text.
    sentences: tuple[Span, ...] = ()

    @property
    def own_text(self) -> str:
        """The text without its lead: a list item alone, a FAQ answer without its question."""
        if not self.lead:
            return self.text
        sep = "\n- " if self.kind == "list_item" else "\n"
        return self.text.removeprefix(self.lead + sep)

    @property
    def answer_sentences(self) -> list[str]:
        return [self.text[a:b] for a, b in self.sentences]


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


@dataclass(frozen=True, slots=True, kw_only=True)
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

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Citation:
        return cls(
            n=int(raw["n"]), document=str(raw["document"]), section=str(raw["section"]),
            chunk_id=str(raw["chunk_id"]), score=float(raw["score"]), text=str(raw["text"]),
        )  # fmt: skip


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
    # The chat's earlier questions this one was read with (a follow-up), oldest first.
    read_with: tuple[str, ...] = ()
    # A reply to a turn that asks nothing ("hi", "thanks!"): abstained too, since no guide
    # answers it, but a client shows it as a reply, not as "no answer in the guide".
    social: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "social": self.social,
            "citations": [c.to_dict() for c in self.citations],
            "read_with": list(self.read_with),
        }
