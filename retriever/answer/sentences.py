"""Answer sentences: the verbatim pieces of a chunk an answer may quote, and their vectors.

Ingest embeds every answer sentence (with its chunk's lead, for context) so that the composer can
tell which sentence answers a question by meaning, not only by shared words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retriever.text import split_sentences
from retriever.types import Chunk


def answer_sentences(chunk: Chunk) -> list[str]:
    """Sentences of a chunk that can stand in an answer (never a list intro or FAQ question)."""
    if chunk.kind in ("table_row", "list_item"):
        return [chunk.own_text]
    return split_sentences(chunk.own_text)


def embedded_sentences(chunk: Chunk) -> list[str]:
    """What gets embedded for each answer sentence: its chunk's lead, then the sentence."""
    return [f"{chunk.lead} {s}".strip() for s in answer_sentences(chunk)]


class SentenceVectors:
    """The vectors of every chunk's answer sentences, in chunk order, then sentence order."""

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        counts = [len(answer_sentences(c)) for c in chunks]
        if sum(counts) != len(vectors):
            raise ValueError(f"{len(vectors)} sentence vectors for {sum(counts)} sentences")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)

    def of(self, chunk_index: int) -> np.ndarray:
        """(sentences, dim): the vectors of chunk `chunk_index`'s answer sentences."""
        rows: np.ndarray = self.vectors[self.offsets[chunk_index] : self.offsets[chunk_index + 1]]
        return rows
