"""Ranking chunks for a query: dense (FAISS), lexical (BM25), and hybrids of the two."""

from retriever.search.base import Candidate, Keep, Query, Searcher
from retriever.search.dense import DenseIndex, DenseSearch
from retriever.search.hybrid import ConvexHybrid, RankFusionHybrid
from retriever.search.lexical import LexicalIndex, LexicalSearch

__all__ = [
    "Candidate",
    "ConvexHybrid",
    "DenseIndex",
    "DenseSearch",
    "Keep",
    "LexicalIndex",
    "LexicalSearch",
    "Query",
    "RankFusionHybrid",
    "Searcher",
    "searcher_for",
]


def searcher_for(mode: str, dense: DenseIndex, lexical: LexicalIndex) -> Searcher:
    """The searcher a GUIDE_RAG_RETRIEVER mode names."""
    if mode == "dense":
        return DenseSearch(dense)
    if mode == "bm25":
        return LexicalSearch(lexical, dense)
    return ConvexHybrid(dense, lexical)
