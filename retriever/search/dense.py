"""Dense retrieval: cosine similarity over normalized vectors in FAISS inner-product indexes.

A chunk's dense score is the mean cosine over its views (with and without section title).
"""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

from retriever.search.base import Candidate, Keep, Query, allowed, depth


class DenseIndex:
    """The FAISS views of one build, and each chunk's vectors held once for exact scoring."""

    def __init__(self, views: Sequence[faiss.Index]) -> None:
        self.views = tuple(views)
        self.total = int(self.views[0].ntotal)
        # (chunks, views, dim): scoring a candidate reads a row instead of asking FAISS for it.
        self.vectors = np.stack([v.reconstruct_n(0, self.total) for v in self.views], axis=1)

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk index, mean cosine) best first."""
        k = min(k, self.total)
        if k <= 0:
            return []
        query = query_vector.reshape(1, -1).astype(np.float32)
        candidates: set[int] = set()
        for view in self.views:
            _, ids = view.search(query, k)
            candidates.update(int(i) for i in ids[0] if i >= 0)
        scored = [(i, self.score(query_vector, i)) for i in candidates]
        return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:k]

    def score(self, query_vector: np.ndarray, index: int) -> float:
        return float((self.vectors[index] @ query_vector).mean())


class DenseSearch:
    """Rank by cosine alone."""

    def __init__(self, dense: DenseIndex) -> None:
        self.dense = dense

    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        pairs = allowed(self.dense.search(query.vector, depth(k, self.dense.total, keep)), keep)
        return [Candidate(i, s) for i, s in pairs[:k]]
