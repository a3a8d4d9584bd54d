"""Value objects that cross module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int


@dataclass(frozen=True, slots=True)
class SectionHits:
    document_id: str
    section: str
    score: float
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    document: str
    section: str
    chunk_id: str
    score: float
    text: str


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
