"""Dense retrieval: cosine similarity over normalized vectors in FAISS inner-product indexes.

A chunk's dense score is the mean cosine over its views (with and without section title).
"""

from __future__ import annotations

import numpy as np

from retriever.index import IndexBuild


class DenseRetriever:
    def __init__(self, build: IndexBuild) -> None:
        self.build = build

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk index, mean cosine) best first."""
        n = self.build.views[0].ntotal
        k = min(k, n)
        if k <= 0:
            return []
        query = query_vector.reshape(1, -1).astype(np.float32)
        candidates: set[int] = set()
        for view in self.build.views:
            _, ids = view.search(query, k)
            candidates.update(int(i) for i in ids[0] if i >= 0)
        scored = [(i, self.score(query_vector, i)) for i in candidates]
        return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:k]

    def score(self, query_vector: np.ndarray, index: int) -> float:
        return float((self.build.vectors(index) @ query_vector).mean())
