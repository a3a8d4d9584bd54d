"""The retrieval pipeline: one loaded index + embedder, answering `search` and `ask`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retriever.composer import Composer, shape_of
from retriever.dense import DenseRetriever
from retriever.embedding import Embedder, SentenceTransformerEmbedder, resolve_model_path
from retriever.errors import IndexMismatchError, InvalidQueryError
from retriever.index import IndexBuild, load_index
from retriever.settings import Settings
from retriever.types import Answer, Hit, SectionHits

MAX_K = 20
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True, slots=True)
class IndexStats:
    model: str
    documents: int
    chunks: int
    index_built_at: str
    build_id: str
    path: Path


class Pipeline:
    def __init__(self, build: IndexBuild, embedder: Embedder, min_score: float) -> None:
        self.build = build
        self.embedder = embedder
        self.dense = DenseRetriever(build)
        self.composer = Composer(min_score, build.chunks)
        self._lists: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self._rows = [i for i, c in enumerate(build.chunks) if c.kind == "table_row"]
        for i, chunk in enumerate(build.chunks):
            if chunk.kind == "list_item":
                self._lists[_list_key(chunk.document_id, chunk.section, chunk.text)].append(i)

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
        return cls(build, embedder, settings.min_score)

    @property
    def stats(self) -> IndexStats:
        m = self.build.manifest
        return IndexStats(m.model, len(m.documents), m.chunk_count, m.built_at, m.build_id,
                          self.build.path)  # fmt: skip

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.encode([question])[0]

    def search(self, question: str, k: int = 5) -> list[Hit]:
        question = _check(question, k)
        return self.dense.search(self.embed_query(question), k)

    def search_sections(self, question: str, k: int = 5) -> list[SectionHits]:
        return group_by_section(self.search(question, k))

    def ask(self, question: str, k: int = 5) -> Answer:
        question = _check(question, k)
        query = self.embed_query(question)
        hits = self.dense.search(query, k)
        shape = shape_of(question)
        if hits and shape.listing and hits[0].chunk.kind == "list_item":
            top = hits[0].chunk
            hits = self._with(
                hits, query, self._lists[_list_key(top.document_id, top.section, top.text)]
            )
        if hits and shape.comparison:
            rows = [
                i for i in self._rows if self.composer.names_row(question, self.build.chunks[i])
            ]
            hits = self._with(hits, query, rows)
        return self.composer.compose(question, hits)

    def _with(self, hits: list[Hit], query: np.ndarray, rows: list[int]) -> list[Hit]:
        """Hits plus the chunks at `rows` (the rest of a list, a named table row), re-ranked."""
        have = {h.chunk.id for h in hits}
        extra = [
            Hit(self.build.chunks[i], self.dense.score(query, i), 0)
            for i in rows
            if self.build.chunks[i].id not in have
        ]
        if not extra:
            return hits
        merged = sorted([*hits, *extra], key=lambda h: -h.score)
        return [Hit(h.chunk, h.score, rank) for rank, h in enumerate(merged, start=1)]


def _list_key(document_id: str, section: str, text: str) -> tuple[str, str, str]:
    return document_id, section, text.partition("\n- ")[0]


def _check(question: str, k: int) -> str:
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
