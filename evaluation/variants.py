"""The rows of `guide-rag eval`: the served QA, and variants composed from other real parts.

Nothing in the served path knows a variant exists: each one is a QA built with another searcher,
widening or composer argument.
"""

from __future__ import annotations

from collections.abc import Callable

from retriever.answer import Composer, RetrievedOnly, TermWeights
from retriever.answer.composer import DEPTH, MARGIN, SEMANTIC
from retriever.qa import QA, floor_of
from retriever.search import ConvexHybrid, DenseSearch, LexicalSearch, RankFusionHybrid, Searcher

Variant = Callable[[QA], QA]
# A retriever's plain rows speak from its top 3 passages within 0.15 of the best cosine: the
# served composer's wider reach (composer.MARGIN, DEPTH) was chosen with section focus, and
# without it would cite other sections' passages, which says nothing about the retriever.
PLAIN_MARGIN = 0.15
PLAIN_DEPTH = 3


def _with(
    qa: QA,
    *,
    searcher: Searcher | None = None,
    retrieved_only: bool = False,
    section_focus: bool = True,
    semantic: float = SEMANTIC,
    margin: float = MARGIN,
    depth: int = DEPTH,
) -> QA:
    build = qa.build
    weights = TermWeights(build.chunks)
    composer = Composer(
        weights,
        floor_of(qa.abstention),
        build.chunks,
        build.sentences,
        margin=margin,
        depth=depth,
        section_focus=section_focus,
        semantic=semantic,
    )
    return QA(
        build,
        qa.embedder,
        qa.abstention,
        searcher=searcher or qa.searcher,
        widener=RetrievedOnly(weights) if retrieved_only else qa.widener,
        composer=composer,
    )


def _plain(searcher: Callable[[QA], Searcher]) -> Variant:
    """A retriever on its own: no widening, no section focus, no sentence meaning."""
    return lambda qa: _with(
        qa, searcher=searcher(qa), retrieved_only=True, section_focus=False, semantic=0.0,
        margin=PLAIN_MARGIN, depth=PLAIN_DEPTH,
    )  # fmt: skip


def _bm25(qa: QA) -> Searcher:
    return LexicalSearch(qa.build.lexical, qa.build.dense)


def _dense(qa: QA) -> Searcher:
    return DenseSearch(qa.build.dense)


def _hybrid(qa: QA) -> Searcher:
    return ConvexHybrid(qa.build.dense, qa.build.lexical)


def _served(qa: QA) -> QA:
    return _with(qa)


# The table: each retriever alone, plainly composed, and the QA as served.
CONFIGS: dict[str, Variant] = {
    "bm25": _plain(_bm25),
    "dense": _plain(_dense),
    "hybrid": _plain(_hybrid),
    "final": _served,
}
# The base model beside the served one: its retrievers alone and as served.
BASELINE: dict[str, Variant] = {
    "base dense": _plain(_dense),
    "base hybrid": _plain(_hybrid),
    "base final": _served,
}
# The ablation: the served QA with one part replaced, added or taken away (decide on dev).
ABLATION: dict[str, Variant] = {
    "final": _served,
    "+ BM25, convex fusion": lambda qa: _with(qa, searcher=_hybrid(qa)),
    "+ BM25, rank fusion": lambda qa: _with(
        qa, searcher=RankFusionHybrid(qa.build.dense, qa.build.lexical)
    ),
    "- section focus": lambda qa: _with(qa, section_focus=False),
    "- shape-aware answers": lambda qa: _with(qa, retrieved_only=True),
    "- sentence meaning": lambda qa: _with(qa, semantic=0.0),
    "BM25 instead of dense": lambda qa: _with(qa, searcher=_bm25(qa)),
}
