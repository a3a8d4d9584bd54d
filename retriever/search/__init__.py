"""Ranking chunks for a query: dense (FAISS), lexical (BM25), and hybrids of the two."""

from typing import Protocol

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


class Indexes(Protocol):
    """What a build offers searchers (retriever.index.IndexBuild); BM25 loads on first use."""

    @property
    def dense(self) -> DenseIndex: ...

    @property
    def lexical(self) -> LexicalIndex: ...


def searcher_for(mode: str, build: Indexes) -> Searcher:
    """The searcher a GUIDE_RAG_RETRIEVER mode names."""
    if mode == "bm25":
        return LexicalSearch(build.lexical, build.dense)
    if mode == "hybrid":
        return ConvexHybrid(build.dense, build.lexical)
    return DenseSearch(build.dense)
