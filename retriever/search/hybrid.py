"""Hybrid search: dense and BM25 rankings fused into one.

A convex combination of min-max normalised scores (ALPHA the dense share), chosen on the dev
guides and the shipped guide's dev split over reciprocal rank fusion and dense alone
(docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retriever.search.base import Candidate, Keep, Query, allowed, depth
from retriever.search.dense import DenseIndex
from retriever.search.lexical import LexicalIndex, top

ALPHA = 0.8  # the dense share of the fused score: chosen on the dev guides and dev split
RRF_K = 60  # the constant of Cormack et al. (2009); damps the weight of the very top ranks


class ConvexHybrid:
    """alpha x dense + (1 - alpha) x BM25 over the union of both candidate lists.

    A candidate only one retriever found is backfilled with its score from the other, so both
    scores of every candidate are real ones.
    """

    def __init__(self, dense: DenseIndex, lexical: LexicalIndex, alpha: float = ALPHA) -> None:
        self.dense = dense
        self.lexical = lexical
        self.alpha = alpha

    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        n = depth(k, self.dense.total, keep)
        cosine = dict(allowed(self.dense.search(query.vector, n), keep))
        bm25 = self.lexical.scores(query.text)  # scored once, for top and the backfill
        lexical = dict(allowed(top(bm25, n), keep))
        for i in lexical.keys() - cosine.keys():
            cosine[i] = self.dense.score(query.vector, i)
        for i in cosine.keys() - lexical.keys():
            lexical[i] = float(bm25[i])
        fused = convex_fusion(cosine, lexical, self.alpha)
        return [Candidate(i, cosine[i]) for i, _ in fused[:k]]


class RankFusionHybrid:
    """Reciprocal rank fusion of the dense and BM25 rankings."""

    def __init__(self, dense: DenseIndex, lexical: LexicalIndex) -> None:
        self.dense = dense
        self.lexical = lexical

    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        n = depth(k, self.dense.total, keep)
        cosine = dict(allowed(self.dense.search(query.vector, n), keep))
        lexical = [i for i, _ in allowed(self.lexical.search(query.text, n), keep)]
        fused = reciprocal_rank_fusion([list(cosine), lexical])
        return [
            Candidate(i, cosine[i] if i in cosine else self.dense.score(query.vector, i))
            for i, _ in fused[:k]
        ]


def _minmax(scores: Mapping[int, float]) -> dict[int, float]:
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {i: (s - lo) / span if span > 0 else 0.0 for i, s in scores.items()}


def convex_fusion(
    dense: Mapping[int, float], lexical: Mapping[int, float], alpha: float = ALPHA
) -> list[tuple[int, float]]:
    """alpha * dense + (1 - alpha) * lexical, each min-max normalised over the candidates.

    A candidate missing from one mapping scores that retriever's minimum there.
    """
    items = set(dense) | set(lexical)
    if not items:
        return []
    dense_min, lexical_min = min(dense.values(), default=0.0), min(lexical.values(), default=0.0)
    d = _minmax({i: dense.get(i, dense_min) for i in items})
    lex = _minmax({i: lexical.get(i, lexical_min) for i in items})
    fused = {i: alpha * d[i] + (1 - alpha) * lex[i] for i in items}
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[tuple[int, float]]:
    """Items of all rankings, best first, scored by sum(weight / (k + rank))."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
