"""Question answering over one loaded build: check → embed → search → abstain? → widen → compose.

Each step runs once per question, in that order. The parts (searcher, query rewrite, widening,
composer) are given whole, so an evaluation variant is a QA built from other parts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retriever.answer import Composer, TermWeights, WholeLists, Widener, abstain, shape_of
from retriever.embedding import Embedder, SentenceTransformerEmbedder, resolve_model_path
from retriever.errors import IndexMismatchError, InvalidQueryError
from retriever.index import IndexBuild, load_index
from retriever.search import Candidate, Keep, Query, Searcher, searcher_for
from retriever.settings import Settings
from retriever.types import Answer, Hit
from retriever.vocabulary import expand_abbreviations

MAX_K = 20
MAX_QUESTION_CHARS = 1000
QUERY_CACHE = 2048  # question embeddings kept (1.5 KB each)
# Abstention reads the best cosine among this many hits, whatever top_k a caller asks for, so
# that top_k=1 does not abstain more than top_k=20. Calibration reads the same signal.
ABSTAIN_DEPTH = 5
# Used when neither GUIDE_RAG_MIN_SCORE nor the build's calibration gives a threshold. Measured:
# the threshold fitted on the shipped guide's dev split with all-MiniLM-L6-v2 (README, Abstention).
FALLBACK_MIN_SCORE = 0.20
FALLBACK_SOURCE = "fallback: fitted on the shipped guide's dev split (all-MiniLM-L6-v2)"

Rewrite = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Threshold:
    """The best-cosine score under which answers abstain, and where that value came from."""

    value: float
    source: str


class QA:
    def __init__(
        self,
        build: IndexBuild,
        embedder: Embedder,
        threshold: Threshold,
        *,
        searcher: Searcher,
        rewrite: Rewrite,
        widener: Widener,
        composer: Composer,
    ) -> None:
        self.build = build
        self.embedder = embedder
        self.threshold = threshold
        self.searcher = searcher
        self.rewrite = rewrite
        self.widener = widener
        self.composer = composer
        self.documents = frozenset(d.id for d in build.manifest.documents)
        # People ask the same questions again; the model call is most of a request's time.
        self._embed = lru_cache(maxsize=QUERY_CACHE)(self._encode)

    @classmethod
    def assemble(
        cls, build: IndexBuild, embedder: Embedder, threshold: Threshold, mode: str = "hybrid"
    ) -> QA:
        """The parts served over `build`; evaluation composes its variants from other parts."""
        weights = TermWeights(build.chunks)
        return cls(
            build,
            embedder,
            threshold,
            searcher=searcher_for(mode, build.dense, build.lexical),
            rewrite=expand_abbreviations,
            widener=WholeLists(build.chunks, weights),
            composer=Composer(weights, threshold.value),
        )

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> QA:
        """Load the published index and the model it was built with; refuse any mismatch."""
        build = load_index(settings.index_dir)
        built_with = build.manifest.model
        if built_with != settings.model and resolve_model_path(built_with) != resolve_model_path(
            settings.model
        ):
            raise IndexMismatchError(
                f"index at {settings.index_dir} was built with model {built_with!r} "
                f"(dim {build.manifest.dim}) but settings ask for {settings.model!r}: "
                "run `guide-rag ingest` to rebuild it, or set GUIDE_RAG_MODEL back"
            )
        embedder = embedder or SentenceTransformerEmbedder(settings.model, threads=settings.threads)
        if embedder.dim != build.manifest.dim:
            raise IndexMismatchError(
                f"index at {settings.index_dir} holds {build.manifest.dim}-dim vectors but model "
                f"{settings.model!r} makes {embedder.dim}-dim ones: run `guide-rag ingest`"
            )
        return cls.assemble(build, embedder, threshold_for(settings, build), settings.retriever)

    def search(
        self, question: str, k: int = 5, documents: Sequence[str] | None = None
    ) -> list[Hit]:
        """Ranked hits; `score` is always the (mean) cosine similarity, whatever ranked them."""
        question = check_query(question, k)
        keep = self._keep(documents)
        return self._hits(self.searcher.search(self.query(question), k, keep))

    def ask(self, question: str, k: int = 5, documents: Sequence[str] | None = None) -> Answer:
        question = check_query(question, k)
        keep = self._keep(documents)
        query = self.query(question)
        pool = self.searcher.search(query, max(k, ABSTAIN_DEPTH), keep)
        if confidence(pool) < self.threshold.value:
            return abstain()
        hits = self._hits(pool[:k])
        shape = shape_of(question)

        def score(i: int) -> float:
            return self.build.dense.score(query.vector, i)

        context = self.widener.widen(question, shape, hits, score, keep)
        return self.composer.compose(question, shape, context)

    def confidence(self, question: str) -> float:
        """The signal abstention compares with the threshold (what calibration fits)."""
        question = check_query(question, ABSTAIN_DEPTH)
        return confidence(self.searcher.search(self.query(question), ABSTAIN_DEPTH))

    def query(self, question: str) -> Query:
        return Query(question, self._embed(self.rewrite(question)))

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


def confidence(pool: Sequence[Candidate]) -> float:
    """The best cosine among the first ABSTAIN_DEPTH candidates; -inf when there are none."""
    return max((c.cosine for c in pool[:ABSTAIN_DEPTH]), default=float("-inf"))


def threshold_for(settings: Settings, build: IndexBuild) -> Threshold:
    """GUIDE_RAG_MIN_SCORE, else the build's calibration, else the measured fallback."""
    if settings.min_score is not None:
        return Threshold(settings.min_score, "GUIDE_RAG_MIN_SCORE")
    calibrated = build.manifest.calibration
    if "min_score" in calibrated:
        return Threshold(float(calibrated["min_score"]), str(calibrated.get("source", "ingest")))
    return Threshold(FALLBACK_MIN_SCORE, FALLBACK_SOURCE)


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
