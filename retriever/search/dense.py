"""Dense retrieval: cosine similarity over normalized vectors in a FAISS inner-product index.

A chunk is embedded in two views (with its section title, and alone); its dense score is a
weighted mean of the cosines, which is the inner product with the same weighting of its view
vectors. One exact FAISS search over those ranks every chunk by that score.
"""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

from retriever.search.base import Candidate, Keep, Query, allowed, depth

# The view with the section title weighs more: which section a passage belongs to says much of
# what it answers. Chosen on the dev guides and the shipped guide's dev split (0.5 before).
VIEW_WEIGHTS = (0.7, 0.3)


class DenseIndex:
    """The FAISS views of one build as stored, and one index over their per-chunk means."""

    def __init__(self, views: Sequence[faiss.Index]) -> None:
        self.views = tuple(views)
        self.total = int(self.views[0].ntotal)
        # (chunks, views, dim): ingest copies unchanged chunks' vectors from here.
        self.vectors = np.stack([v.reconstruct_n(0, self.total) for v in self.views], axis=1)
        weights = np.asarray(VIEW_WEIGHTS, dtype=np.float32)[None, :, None]
        self.means = np.ascontiguousarray((self.vectors * weights).sum(axis=1), dtype=np.float32)
        self.index = faiss.IndexFlatIP(self.means.shape[1])
        self.index.add(self.means)

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk index, weighted cosine) best first."""
        k = min(k, self.total)
        if k <= 0:
            return []
        scores, ids = self.index.search(query_vector.reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def score(self, query_vector: np.ndarray, index: int) -> float:
        return float(self.means[index] @ query_vector)


class DenseSearch:
    """Rank by cosine alone."""

    def __init__(self, dense: DenseIndex) -> None:
        self.dense = dense

    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        pairs = allowed(self.dense.search(query.vector, depth(k, self.dense.total, keep)), keep)
        return [Candidate(i, s) for i, s in pairs[:k]]
