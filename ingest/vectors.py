"""Chunks → vectors: every view of each chunk and each of its answer sentences, and the token
states of each chunk's two views (retriever/alignment.py), in one pass.

Shared by ingest (new chunks only, the rest copied from the live build) and by evaluation (a
build's chunks under another model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ingest.chunking import view_texts
from retriever.alignment import PassageTokens, passage_rows
from retriever.answer.sentences import embedded_sentences
from retriever.chunk_rows import ChunkRows
from retriever.embedding import Embedder
from retriever.index import VIEWS, IndexBuild, Manifest
from retriever.types import Chunk

OnBatch = Callable[[int], None]


def embed_chunks(
    chunks: Sequence[Chunk], embedder: Embedder, on_batch: OnBatch | None = None
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """(views of shape (chunks, views, dim), each chunk's sentence vectors, each chunk's token
    states), in chunk order."""
    sentences = [embedded_sentences(c) for c in chunks]
    if not chunks:
        return np.zeros((0, len(VIEWS), embedder.dim), dtype=np.float32), [], []
    in_context, alone_texts = zip(*(view_texts(c) for c in chunks), strict=True)
    # Both views' tokens are kept, from the calls that give their vectors: the text read alone,
    # and read after its section title, which holds the subject of a list item or a roadmap step
    # ("How to transition into AI or ML engineering") that its own words never name.
    alone, alone_tokens = embedder.encode_tokens(alone_texts, on_batch=on_batch)
    context, context_tokens = embedder.encode_tokens(in_context, on_batch=on_batch)
    rest = [t for s in sentences for t in s]
    vectors = embedder.encode(rest, on_batch=on_batch) if rest else np.zeros((0, embedder.dim))
    views, per_chunk, row = [], [], 0
    for n, s in enumerate(sentences):
        views.append(np.stack([context[n], alone[n]]))
        per_chunk.append(vectors[row : row + len(s)])
        row += len(s)
    tokens = [
        np.concatenate([passage_rows(a), passage_rows(c)])
        for a, c in zip(alone_tokens, context_tokens, strict=True)
    ]
    return np.stack(views).astype(np.float32), per_chunk, tokens


def embedded_build(manifest: Manifest, chunks: Sequence[Chunk], embedder: Embedder) -> IndexBuild:
    """`chunks` embedded by `embedder` into a build held in memory (to calibrate, to measure)."""
    views, sentences, tokens = embed_chunks(chunks, embedder)
    return IndexBuild.in_memory(
        manifest, chunks, views, ChunkRows.joined(sentences, embedder.dim),
        PassageTokens.stack(tokens, embedder.dim),
    )  # fmt: skip


def texts_to_embed(chunks: Sequence[Chunk]) -> list[str]:
    """Every text `embed_chunks` sends to the model: each chunk's views and answer sentences."""
    return [t for c in chunks for t in (*view_texts(c), *embedded_sentences(c))]


def vectors_for(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    live: IndexBuild | None = None,
    on_batch: Callable[[int], OnBatch] | None = None,
) -> tuple[np.ndarray, np.ndarray, PassageTokens, int]:
    """(views, sentence vectors, token states, texts embedded) for `chunks`: the chunks `live`
    holds (same id, same model) are copied from it, the others embedded."""
    reusable = reusable_rows(chunks, live)
    fresh = [c for c in chunks if c.id not in reusable]
    total = sum(len(VIEWS) + len(c.sentences) for c in fresh)
    views, sentences, tokens = embed_chunks(fresh, embedder, on_batch(total) if on_batch else None)
    by_id = {c.id: (views[n], sentences[n], tokens[n]) for n, c in enumerate(fresh)}
    rows = [by_id[c.id] if c.id in by_id else _copied(live, reusable[c.id]) for c in chunks]
    all_views = np.stack([r[0] for r in rows]).astype(np.float32)
    all_sentences = ChunkRows.joined([r[1] for r in rows], embedder.dim).astype(np.float32)
    return all_views, all_sentences, PassageTokens.stack([r[2] for r in rows], embedder.dim), total


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


def _copied(live: IndexBuild | None, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    assert live is not None  # only chunks of the live build are reusable
    return live.vectors(i), live.sentences.of(i), live.tokens.of(i)
