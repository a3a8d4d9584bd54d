"""The retrieval pipeline: one loaded index + embedder, answering `search` and `ask`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from retriever.composer import Composer, shape_of
from retriever.dense import DenseRetriever
from retriever.embedding import Embedder, SentenceTransformerEmbedder, resolve_model_path
from retriever.errors import IndexMismatchError, InvalidQueryError
from retriever.fusion import ALPHA, convex_fusion, reciprocal_rank_fusion
from retriever.index import IndexBuild, load_index
from retriever.lexical import top
from retriever.settings import Settings
from retriever.types import Answer, Hit, SectionHits
from retriever.vocabulary import expand_abbreviations

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")
MAX_K = 20
MAX_QUESTION_CHARS = 1000
QUERY_CACHE = 2048  # question embeddings kept (1.5 KB each)
CANDIDATES = 30  # how deep each retriever looks before fusion
# Used only when neither GUIDE_RAG_MIN_SCORE nor a calibration in the manifest gives one: on the
# shipped guide in-scope questions score >= 0.6 and unrelated ones <= 0.35 (cosine, MiniLM).
FALLBACK_MIN_SCORE = 0.40


@dataclass(frozen=True, slots=True)
class IndexStats:
    model: str
    documents: int
    chunks: int
    index_built_at: str
    build_id: str
    path: Path
    min_score: float


@dataclass(frozen=True, slots=True)
class Options:
    """How the pipeline retrieves and composes; the evaluator's ablation turns each part off."""

    mode: Mode = "hybrid"
    fusion: Literal["convex", "rrf"] = "convex"
    alpha: float = ALPHA
    expand_query: bool = True  # spell out "ml", "cs"… before embedding the question
    shape_aware: bool = True  # whole lists for list questions, named table rows for comparisons
    section_focus: bool = True  # answer from the best hit's section only


class Pipeline:
    def __init__(
        self,
        build: IndexBuild,
        embedder: Embedder,
        min_score: float | None = None,
        options: Options | None = None,
    ) -> None:
        self.build = build
        self.embedder = embedder
        self.options = options or Options()
        self.dense = DenseRetriever(build)
        # People ask the same questions again; the model call is most of a request's time.
        self._embed = lru_cache(maxsize=QUERY_CACHE)(self._encode)
        calibrated = build.manifest.calibration.get("min_score")
        self.min_score = next(
            v for v in (min_score, calibrated, FALLBACK_MIN_SCORE) if v is not None
        )
        self.composer = Composer(
            self.min_score, build.chunks, section_focus=self.options.section_focus
        )
        self._rows = [i for i, c in enumerate(build.chunks) if c.kind == "table_row"]
        self._lists: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for i, chunk in enumerate(build.chunks):
            if chunk.kind == "list_item":
                self._lists[_list_key(chunk.document_id, chunk.section, chunk.text)].append(i)

    def with_options(self, **changes: object) -> Pipeline:
        """The same index and model, retrieving or composing differently."""
        return Pipeline(self.build, self.embedder, self.min_score, replace(self.options, **changes))  # type: ignore[arg-type]

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None) -> Pipeline:
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
        embedder = embedder or SentenceTransformerEmbedder(settings.model)
        if embedder.dim != build.manifest.dim:
            raise IndexMismatchError(
                f"index at {settings.index_dir} holds {build.manifest.dim}-dim vectors but model "
                f"{settings.model!r} makes {embedder.dim}-dim ones: run `guide-rag ingest`"
            )
        return cls(build, embedder, settings.min_score, Options(mode=settings.retriever))

    @property
    def stats(self) -> IndexStats:
        m = self.build.manifest
        return IndexStats(
            m.model,
            len(m.documents),
            m.chunk_count,
            m.built_at,
            m.build_id,
            self.build.path,
            self.min_score,
        )

    def embed_query(self, question: str) -> np.ndarray:
        text = expand_abbreviations(question) if self.options.expand_query else question
        return self._embed(text)

    def _encode(self, text: str) -> np.ndarray:
        vector = self.embedder.encode([text])[0]
        vector.setflags(write=False)  # shared by every caller of the cache
        return vector

    def search(
        self, question: str, k: int = 5, documents: Sequence[str] | None = None
    ) -> list[Hit]:
        """Ranked hits; `score` is always the (mean) cosine similarity, whatever ranked them."""
        question = check_query(question, k)
        only = self.check_documents(documents)
        return self._search(question, self.embed_query(question), k, only)

    def search_sections(
        self, question: str, k: int = 5, documents: Sequence[str] | None = None
    ) -> list[SectionHits]:
        return group_by_section(self.search(question, k, documents))

    def ask(self, question: str, k: int = 5, documents: Sequence[str] | None = None) -> Answer:
        question = check_query(question, k)
        only = self.check_documents(documents)
        query = self.embed_query(question)
        hits = self._search(question, query, k, only)
        shape = shape_of(question)
        if not self.options.shape_aware:
            return self.composer.compose(question, hits)
        if hits and shape.listing and hits[0].chunk.kind == "list_item":
            top = hits[0].chunk
            hits = self._with(
                hits, query, self._lists[_list_key(top.document_id, top.section, top.text)]
            )
        if hits and shape.comparison:
            rows = [
                i
                for i in self._rows
                if self.composer.names_row(question, self.build.chunks[i])
                and (only is None or self.build.chunks[i].document_id in only)
            ]
            hits = self._with(hits, query, rows)
        return self.composer.compose(question, hits)

    def _search(
        self, question: str, query: np.ndarray, k: int, documents: frozenset[str] | None = None
    ) -> list[Hit]:
        # With a document filter, look at every chunk: a filtered-out top would leave too few.
        depth = self.build.views[0].ntotal if documents else max(k, CANDIDATES)
        keep = (lambda i: self.build.chunks[i].document_id in documents) if documents else None

        def allowed(pairs: list[tuple[int, float]]) -> list[tuple[int, float]]:
            return [(i, s) for i, s in pairs if keep is None or keep(i)]

        mode = self.options.mode
        cosine: dict[int, float] = {}  # what each hit reports as its score, computed once
        if mode == "dense":
            cosine = dict(allowed(self.dense.search(query, depth)))
            order = list(cosine)
        elif mode == "bm25":
            order = [i for i, _ in allowed(self.build.lexical.search(question, depth))]
        elif self.options.fusion == "rrf":
            cosine = dict(allowed(self.dense.search(query, depth)))
            lexical = [i for i, _ in allowed(self.build.lexical.search(question, depth))]
            order = [i for i, _ in reciprocal_rank_fusion([list(cosine), lexical])]
        else:
            cosine = dict(allowed(self.dense.search(query, depth)))
            bm25 = self.build.lexical.scores(question)  # scored once, for top and the rest
            lexical_scores = dict(allowed(top(bm25, depth)))
            for i in lexical_scores.keys() - cosine.keys():
                cosine[i] = self.dense.score(query, i)
            for i in cosine.keys() - lexical_scores.keys():
                lexical_scores[i] = float(bm25[i])
            fused = convex_fusion(cosine, lexical_scores, self.options.alpha)
            order = [i for i, _ in fused]
        return [
            Hit(
                self.build.chunks[i], cosine[i] if i in cosine else self.dense.score(query, i), rank
            )
            for rank, i in enumerate(order[:k], start=1)
        ]

    def check_documents(self, documents: Sequence[str] | None) -> frozenset[str] | None:
        """The filter as a set; InvalidQueryError naming any id the index does not hold."""
        if not documents:
            return None
        known = {d.id for d in self.build.manifest.documents}
        unknown = [d for d in documents if d not in known]
        if unknown:
            raise InvalidQueryError(
                "documents",
                f"unknown document id {', '.join(map(repr, unknown))}; known: "
                + ", ".join(sorted(known)),
            )
        return frozenset(documents)

    def _with(self, hits: list[Hit], query: np.ndarray, rows: list[int]) -> list[Hit]:
        """Hits plus the chunks at `rows` (the rest of a list, a named table row), re-ranked."""
        have = {h.chunk.id for h in hits}
        extra = [
            Hit(self.build.chunks[i], self.dense.score(query, i), len(hits) + n)
            for n, i in enumerate((i for i in rows if self.build.chunks[i].id not in have), 1)
        ]
        return [*hits, *extra]


def _list_key(document_id: str, section: str, text: str) -> tuple[str, str, str]:
    return document_id, section, text.partition("\n- ")[0]


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


def group_by_section(hits: Sequence[Hit]) -> list[SectionHits]:
    """Hits grouped by (document, section), best section first."""
    groups: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for hit in hits:
        groups[(hit.chunk.document_id, hit.chunk.section)].append(hit)
    out = [
        SectionHits(doc, section, max(h.score for h in members), tuple(members))
        for (doc, section), members in groups.items()
    ]
    return sorted(out, key=lambda g: -g.score)
