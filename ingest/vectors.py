"""Chunks → vectors: every view of each chunk and each of its answer sentences, in one pass.

Shared by ingest (new chunks only, the rest copied from the live build) and by evaluation (a
build's chunks under another model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ingest.chunking import view_texts
from retriever.answer.sentences import embedded_sentences
from retriever.embedding import Embedder
from retriever.index import VIEWS, IndexBuild
from retriever.types import Chunk

OnBatch = Callable[[int], None]


def embed_chunks(
    chunks: Sequence[Chunk], embedder: Embedder, on_batch: OnBatch | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """(views of shape (chunks, views, dim), each chunk's sentence vectors), in chunk order."""
    sentences = [embedded_sentences(c) for c in chunks]
    texts = texts_to_embed(chunks, sentences)
    if not texts:
        return np.zeros((0, len(VIEWS), embedder.dim), dtype=np.float32), []
    vectors = embedder.encode(texts, on_batch=on_batch)
    views, per_chunk, row = [], [], 0
    for s in sentences:
        views.append(vectors[row : row + len(VIEWS)])
        per_chunk.append(vectors[row + len(VIEWS) : row + len(VIEWS) + len(s)])
        row += len(VIEWS) + len(s)
    return np.stack(views).astype(np.float32), per_chunk


def texts_to_embed(
    chunks: Sequence[Chunk], sentences: Sequence[Sequence[str]] | None = None
) -> list[str]:
    """Every text `embed_chunks` sends to the model, in its order: each chunk's views, then its
    answer sentences."""
    if sentences is None:
        sentences = [embedded_sentences(c) for c in chunks]
    return [t for c, s in zip(chunks, sentences, strict=True) for t in (*view_texts(c), *s)]


def vectors_for(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    live: IndexBuild | None = None,
    on_batch: Callable[[int], OnBatch] | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(views, sentence vectors, texts embedded) for `chunks`: the chunks `live` holds (same id,
    same model) are copied from it, the others embedded."""
    reusable = reusable_rows(chunks, live)
    fresh = [c for c in chunks if c.id not in reusable]
    total = sum(len(VIEWS) + len(c.sentences) for c in fresh)
    views, sentences = embed_chunks(fresh, embedder, on_batch(total) if on_batch else None)
    by_id = {c.id: (views[n], sentences[n]) for n, c in enumerate(fresh)}
    rows = [by_id[c.id] if c.id in by_id else _copied(live, reusable[c.id]) for c in chunks]
    all_views = np.stack([r[0] for r in rows]).astype(np.float32)
    all_sentences = np.concatenate([r[1] for r in rows]).astype(np.float32)
    return all_views, all_sentences, total


def reusable_rows(chunks: Sequence[Chunk], live: IndexBuild | None) -> dict[str, int]:
    """Rows of `live` whose vectors a new chunk can keep: same id (same text, same context) and
    the same sentences (a rule for what is quotable may have changed)."""
    if live is None:
        return {}
    rows = {c.id: i for i, c in enumerate(live.chunks)}
    return {
        c.id: rows[c.id]
        for c in chunks
        if c.id in rows and live.chunks[rows[c.id]].sentences == c.sentences
    }


def _copied(live: IndexBuild | None, i: int) -> tuple[np.ndarray, np.ndarray]:
    assert live is not None  # only chunks of the live build are reusable
    return live.vectors(i), live.sentences.of(i)
