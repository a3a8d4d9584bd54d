"""Dense retrieval: cosine similarity over normalized vectors in a FAISS inner-product index."""

from __future__ import annotations

import numpy as np

from retriever.index import IndexBuild
from retriever.types import Hit


class DenseRetriever:
    def __init__(self, build: IndexBuild) -> None:
        self.build = build

    def search(self, query_vector: np.ndarray, k: int) -> list[Hit]:
        k = min(k, self.build.vectors.ntotal)
        if k <= 0:
            return []
        scores, ids = self.build.vectors.search(query_vector.reshape(1, -1).astype(np.float32), k)
        return [
            Hit(self.build.chunks[i], float(s), rank)
            for rank, (i, s) in enumerate(zip(ids[0], scores[0], strict=True), start=1)
            if i >= 0
        ]

    def score(self, query_vector: np.ndarray, index: int) -> float:
        return float(np.dot(self.build.vector(index), query_vector))
