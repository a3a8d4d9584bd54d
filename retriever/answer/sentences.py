"""Answer sentences: the verbatim pieces of a chunk an answer may quote, and their vectors.

Ingest finds them once (`sentence_spans`) and the index stores their offsets; ingest embeds each
one with its chunk's lead, so that the composer can tell which sentence answers a question by
meaning, not only by shared words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retriever.chunk_rows import ChunkRows
from retriever.text import split_sentences
from retriever.types import Chunk, ChunkKind, Span


def sentence_spans(kind: ChunkKind, text: str, own_text: str, lead: str = "") -> tuple[Span, ...]:
    """Offsets in `text` of the sentences an answer may quote: a list item or table row whole,
    prose sentence by sentence; a FAQ's question never, a list's intro only when given as
    `lead` (then its sentences come first)."""
    base = len(text) - len(own_text)
    intro = _prose(text, lead, 0) if lead and text.startswith(lead) else []
    if kind in ("table_row", "list_item"):
        return (*intro, (base, len(text)))
    return (*intro, *_prose(text, own_text, base))


def _prose(text: str, part: str, base: int) -> list[Span]:
    """The sentences of `part`, which starts at `base` in `text`, as offsets in `text`."""
    spans: list[Span] = []
    at = base
    for sentence in split_sentences(part):
        start = text.index(sentence, at)
        spans.append((start, start + len(sentence)))
        at = start + len(sentence)
    return spans


def embedded_sentences(chunk: Chunk) -> list[str]:
    """What gets embedded for each answer sentence: its chunk's lead, then the sentence (a
    sentence of the lead itself alone)."""
    intro = len(chunk.lead)
    return [
        chunk.text[a:b] if b <= intro else f"{chunk.lead} {chunk.text[a:b]}".strip()
        for a, b in chunk.sentences
    ]


class SentenceVectors(ChunkRows):
    """The vectors of every chunk's answer sentences, in chunk order, then sentence order."""

    noun = "sentence vectors"
    unit = "sentences"

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        super().__init__([len(c.sentences) for c in chunks], vectors)
