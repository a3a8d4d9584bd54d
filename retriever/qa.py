"""Question answering over one loaded build: check → follow-up? → embed → search → abstain? →
shape → widen → compose.

Each step runs once per question, in that order. The parts (searcher, widening, composer) are
given whole, so an evaluation variant is a QA built from other parts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from retriever.abstention import ABSTAIN_DEPTH, Abstention, Scope, Signals
from retriever.answer import Composer, TermWeights, WholeLists, Widener, abstain, shape_of
from retriever.embedding import Embedder, load_embedder
from retriever.errors import IndexMismatchError, InvalidQueryError
from retriever.followup import contextualize
from retriever.index import IndexBuild, load_index
from retriever.limits import MAX_HISTORY, MAX_K, MAX_QUESTION_CHARS
from retriever.search import Candidate, Keep, Query, Searcher, searcher_for
from retriever.settings import Settings
from retriever.types import Answer, Hit

QUERY_CACHE = 2048  # question embeddings kept (1.5 KB each)
# Used when neither GUIDE_RAG_MIN_SCORE nor the build's calibration gives a threshold. Measured:
# the threshold fitted on the shipped guide's dev split with all-MiniLM-L6-v2 (README, Abstention).
FALLBACK_MIN_SCORE = 0.20
FALLBACK_SOURCE = "fallback: fitted on the shipped guide's dev split (all-MiniLM-L6-v2)"


class QA:
    def __init__(
        self,
        build: IndexBuild,
        embedder: Embedder,
        abstention: Abstention,
        *,
        searcher: Searcher,
        widener: Widener,
        composer: Composer,
    ) -> None:
        self.build = build
        self.embedder = embedder
        self.abstention = abstention
        self.searcher = searcher
        self.widener = widener
        self.composer = composer
        self.documents = frozenset(d.id for d in build.manifest.documents)
        # People ask the same questions again; the model call is most of a request's time.
        self._embed = lru_cache(maxsize=QUERY_CACHE)(self._encode)

    @classmethod
    def assemble(
        cls, build: IndexBuild, embedder: Embedder, abstention: Abstention, mode: str = "dense"
    ) -> QA:
        """The parts served over `build`; evaluation composes its variants from other parts."""
        weights = TermWeights(build.chunks)
        return cls(
            build,
            embedder,
            abstention,
            searcher=searcher_for(mode, build),
            widener=WholeLists(build.chunks, weights),
            composer=Composer(weights, abstention.min_score, build.chunks, build.sentences),
        )

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> QA:
        """Load the published index and the model it was built with; refuse any mismatch."""
        build = load_index(settings.index_dir)
        embedder = embedder or load_embedder(settings)
        check_model(build, embedder, settings)
        abstention = abstention_for(settings, build, embedder)
        return cls.assemble(build, embedder, abstention, settings.retriever)

    def search(
        self,
        question: str,
        k: int = 5,
        documents: Sequence[str] | None = None,
        history: Sequence[str] = (),
    ) -> list[Hit]:
        """Ranked hits; `score` is always the (mean) cosine similarity, whatever ranked them."""
        question = self._asked(check_query(question, k), history)
        keep = self._keep(documents)
        return self._hits(self.searcher.search(self.query(question), k, keep))

    def ask(
        self,
        question: str,
        k: int = 5,
        documents: Sequence[str] | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        """A cited answer; `history` holds the chat's earlier user questions, oldest first."""
        question = self._asked(check_query(question, k), history)
        keep = self._keep(documents)
        query = self.query(question)
        pool = self.searcher.search(query, max(k, ABSTAIN_DEPTH), keep)
        if self.abstention.abstains(self.abstention.signals(pool, query.vector)):
            return abstain()
        hits = self._hits(pool[:k])
        shape = shape_of(question)

        def score(i: int) -> float:
            return self.build.dense.score(query.vector, i)

        context = self.widener.widen(question, shape, hits, score, keep)
        return self.composer.compose(question, shape, replace(context, vector=query.vector))

    def signals(self, question: str) -> Signals:
        """What abstention compares with its thresholds (what calibration fits them on)."""
        query = self.query(check_query(question, ABSTAIN_DEPTH))
        return self.abstention.signals(self.searcher.search(query, ABSTAIN_DEPTH), query.vector)

    def warm_up(self) -> None:
        """Open the model's session now, so the first question does not pay for it."""
        self.embedder.encode(["warm up"])

    def query(self, question: str) -> Query:
        return Query(question, self._embed(question))

    def _asked(self, question: str, history: Sequence[str]) -> str:
        if len(history) > MAX_HISTORY:
            raise InvalidQueryError(
                "history", f"holds {len(history)} questions; the limit is {MAX_HISTORY}"
            )
        for turn in history:
            if len(turn) > MAX_QUESTION_CHARS:
                raise InvalidQueryError(
                    "history",
                    f"a question is {len(turn)} characters; the limit is {MAX_QUESTION_CHARS}",
                )
        return contextualize(question, [t for t in history if t.strip()], self.composer.weights)

    def _encode(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.embedder.encode([text])[0]
        vector.setflags(write=False)  # shared by every caller of the cache
        return vector

    def _hits(self, ranked: Sequence[Candidate]) -> list[Hit]:
        chunks = self.build.chunks
        return [Hit(chunks[c.index], c.cosine, rank) for rank, c in enumerate(ranked, start=1)]

    def _keep(self, documents: Sequence[str] | None) -> Keep | None:
        """The document filter; InvalidQueryError naming any id the index does not hold."""
        if not documents:
            return None
        unknown = [d for d in documents if d not in self.documents]
        if unknown:
            raise InvalidQueryError(
                "documents",
                f"unknown document id {', '.join(map(repr, unknown))}; known: "
                + ", ".join(sorted(self.documents)),
            )
        only = frozenset(documents)
        chunks = self.build.chunks
        return lambda i: chunks[i].document_id in only


def check_model(build: IndexBuild, embedder: Embedder, settings: Settings) -> None:
    """The index's vectors were made by this very model (same weights), at this dimension."""
    m = build.manifest
    if m.model_fingerprint != embedder.fingerprint:
        raise IndexMismatchError(
            f"index at {settings.index_dir} was built with model {m.model!r} "
            f"(dim {m.dim}, weights {m.model_fingerprint[:12] or '?'}) but settings ask for "
            f"{embedder.name!r} (weights {embedder.fingerprint[:12]}): run `guide-rag ingest` "
            "to rebuild it, or set GUIDE_RAG_MODEL back"
        )
    if embedder.dim != m.dim:
        raise IndexMismatchError(
            f"index at {settings.index_dir} holds {m.dim}-dim vectors but model "
            f"{embedder.name!r} makes {embedder.dim}-dim ones: run `guide-rag ingest`"
        )


def abstention_from(calibration: Mapping[str, Any], scope: Scope | None) -> Abstention:
    """The thresholds a calibration records, or the measured fallback when it records none."""
    return Abstention.calibrated(calibration, scope) or Abstention(
        FALLBACK_MIN_SCORE, FALLBACK_SOURCE
    )


def abstention_for(settings: Settings, build: IndexBuild, embedder: Embedder) -> Abstention:
    """The build's calibration (else the measured fallback); GUIDE_RAG_MIN_SCORE overrides its
    cosine threshold."""
    abstention = abstention_from(build.manifest.calibration, embedder.scope)
    if settings.min_score is not None:
        source = f"GUIDE_RAG_MIN_SCORE (scope: {abstention.source})"
        abstention = replace(abstention, min_score=settings.min_score, source=source)
    return abstention


def check_query(question: str, k: int) -> str:
    stripped = question.strip()
    if not stripped:
        raise InvalidQueryError("question", "must not be empty or only whitespace")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQueryError(
            "question", f"is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
        )
    if not 1 <= k <= MAX_K:
        raise InvalidQueryError("top_k", f"must be between 1 and {MAX_K}, got {k}")
    return stripped
