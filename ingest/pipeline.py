"""Ingest: guides → chunks → vectors (only for chunks not already embedded) → published build."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import chunk_document, view_texts
from ingest.loaders import Skipped, discover, document_id, load_document
from ingest.structure import Document
from ingest.writer import index_lock, previous_build, publish
from retriever.calibration import fit_threshold
from retriever.embedding import Embedder, SentenceTransformerEmbedder
from retriever.errors import CorpusError
from retriever.evalset import OUT_OF_SCOPE, QUESTIONS, load_eval_set
from retriever.index import FORMAT_VERSION, VIEWS, DocumentInfo, IndexBuild, Manifest, SectionInfo
from retriever.pipeline import Pipeline
from retriever.settings import Settings
from retriever.types import Chunk


@dataclass(frozen=True, slots=True)
class DocumentChange:
    """What an ingest does to one guide's chunks."""

    document: str
    added: int
    unchanged: int
    removed: int


@dataclass(frozen=True, slots=True)
class IngestReport:
    index_dir: Path
    build_id: str
    documents: int
    sections: int
    chunks: int
    added: int
    unchanged: int
    removed: int
    embedded: int  # texts sent to the model
    seconds: float
    up_to_date: bool = False
    dry_run: bool = False
    skipped: tuple[Skipped, ...] = field(default=())
    changes: tuple[DocumentChange, ...] = field(default=())


class Progress:
    """What ingest reports while it works; the CLI draws it, library callers may ignore it."""

    def embedding(self, total: int) -> Callable[[int], None]:
        return lambda done: None


def run_ingest(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    dry_run: bool = False,
) -> IngestReport:
    """Build and publish an index of the guides at `paths` (default: the corpus directory).

    Only chunks the live build lacks are embedded. One ingest at a time per index directory.
    With `dry_run`, nothing is embedded or written: the report says what would change.
    """
    files = discover(list(paths or [settings.corpus_dir]))  # no guides: fail before touching
    with index_lock(settings.index_dir, create=not dry_run):
        return _ingest(settings, files, embedder, progress or Progress(), strict, dry_run)


def _ingest(
    settings: Settings,
    files: list[Path],
    embedder: Embedder | None,
    progress: Progress,
    strict: bool,
    dry_run: bool,
) -> IngestReport:
    started = time.perf_counter()
    docs, skipped = _load_all(files, strict)
    previous = previous_build(settings.index_dir)
    if previous is not None and _same_inputs(previous.manifest, docs, settings):
        m = previous.manifest
        unchanged = [DocumentChange(d.id, 0, sum(s.chunks for s in d.sections), 0)
                     for d in m.documents]  # fmt: skip
        return IngestReport(
            settings.index_dir, m.build_id, len(docs), _section_count(m.documents),
            m.chunk_count, 0, m.chunk_count, 0, 0, time.perf_counter() - started,
            up_to_date=True, dry_run=dry_run, skipped=tuple(skipped), changes=tuple(unchanged),
        )  # fmt: skip

    embedder = embedder or SentenceTransformerEmbedder(settings.model)
    per_doc = [chunk_document(d, embedder.count_tokens, settings.max_chunk_tokens) for d in docs]
    chunks = [c for doc_chunks in per_doc for c in doc_chunks]
    reusable: dict[str, int] = {}
    if previous is not None and previous.manifest.model == settings.model:
        reusable = {c.id: i for i, c in enumerate(previous.chunks)}
    fresh = [c for c in chunks if c.id not in reusable]
    changes = _changes(chunks, reusable, previous)
    kept = len(chunks) - len(fresh)
    removed = (len(previous.chunks) - kept) if previous is not None else 0
    infos = tuple(_info(d, cs) for d, cs in zip(docs, per_doc, strict=True))

    def report(build_id: str, embedded: int) -> IngestReport:
        return IngestReport(
            settings.index_dir, build_id, len(docs), _section_count(infos), len(chunks),
            len(fresh), kept, removed, embedded, time.perf_counter() - started,
            dry_run=dry_run, skipped=tuple(skipped), changes=changes,
        )  # fmt: skip

    if dry_run:
        return report(previous.manifest.build_id if previous else "", 0)
    vectors = _vectors(chunks, fresh, reusable, previous, embedder, progress)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        build_id=f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model=settings.model,
        dim=vectors.shape[2],
        max_chunk_tokens=settings.max_chunk_tokens,
        documents=infos,
        chunk_count=len(chunks),
    )
    build = IndexBuild.in_memory(manifest, chunks, vectors)  # views and BM25 made once
    calibrated = replace(manifest, calibration=calibrate(settings, build, embedder))
    publish(settings.index_dir, replace(build, manifest=calibrated))
    return report(manifest.build_id, len(fresh) * len(VIEWS))


def _changes(
    chunks: list[Chunk], reusable: dict[str, int], previous: IndexBuild | None
) -> tuple[DocumentChange, ...]:
    """Per guide: chunks new to the index, kept, and gone (a deleted guide loses all of them)."""
    now: dict[str, set[str]] = {}
    for c in chunks:
        now.setdefault(c.document_id, set()).add(c.id)
    before: dict[str, set[str]] = {}
    for c in previous.chunks if previous is not None else ():
        before.setdefault(c.document_id, set()).add(c.id)
    return tuple(
        DocumentChange(
            doc,
            len(now.get(doc, set()) - set(reusable)),
            len(now.get(doc, set()) & set(reusable)),
            len(before.get(doc, set()) - now.get(doc, set())),
        )
        for doc in [*now, *(d for d in before if d not in now)]
    )


def _load_all(files: list[Path], strict: bool) -> tuple[list[Document], list[Skipped]]:
    docs: list[Document] = []
    skipped: list[Skipped] = []
    ids: dict[str, Path] = {}
    for path in files:
        doc_id = document_id(path)
        if doc_id in ids:
            doc_id = f"{doc_id}-{path.suffix.lstrip('.').lower()}"
        try:
            doc = load_document(path, doc_id)
        except CorpusError as exc:
            if strict:
                raise
            skipped.append(Skipped(path, str(exc)))
            continue
        ids[doc_id] = path
        docs.append(doc)
    if not docs:
        reasons = "; ".join(s.reason for s in skipped)
        raise CorpusError(f"no usable guide to ingest: {reasons}")
    return docs, skipped


def calibrate(settings: Settings, build: IndexBuild, embedder: Embedder) -> dict[str, Any]:
    """Fit the abstention threshold on the eval set's dev split, if the corpus has one for it."""
    eval_dir = settings.corpus_dir / "eval"
    if not (eval_dir / QUESTIONS).is_file():
        return {}
    dev = load_eval_set(eval_dir).split("dev")
    sections = {c.section for c in build.chunks}
    in_scope = [q.question for q in dev.questions if sections.issuperset(q.sections)]
    if len(in_scope) < len(dev.questions) / 2 or not dev.out_of_scope:
        return {}  # the eval set is about other guides than these
    pipeline = Pipeline(build, embedder)

    def best(question: str) -> float:
        return max(h.score for h in pipeline.search(question, 5))

    fitted = fit_threshold(
        [best(q) for q in in_scope], [best(o.question) for o in dev.out_of_scope]
    )
    return {**fitted.as_manifest(), "eval_sha256": eval_digest(eval_dir)}


def eval_digest(eval_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in (QUESTIONS, OUT_OF_SCOPE):
        path = eval_dir / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def _same_inputs(manifest: Manifest, docs: list[Document], settings: Settings) -> bool:
    """The live build was made from exactly these files, eval set and settings."""
    eval_dir = settings.corpus_dir / "eval"
    calibrated_on = manifest.calibration.get("eval_sha256")
    if (eval_dir / QUESTIONS).is_file() and calibrated_on != eval_digest(eval_dir):
        return False
    return (
        manifest.model == settings.model
        and manifest.max_chunk_tokens == settings.max_chunk_tokens
        and sorted((d.id, d.sha256) for d in manifest.documents)
        == sorted((d.id, d.sha256) for d in docs)
    )


def _vectors(
    chunks: list[Chunk],
    fresh: list[Chunk],
    reusable: dict[str, int],
    previous: IndexBuild | None,
    embedder: Embedder,
    progress: Progress,
) -> np.ndarray:
    """Vectors in chunk order: new ones from the model, the rest copied from the live build."""
    by_id: dict[str, np.ndarray] = {}
    if fresh:
        texts = [text for c in fresh for text in view_texts(c)]
        new = embedder.encode(texts, on_batch=progress.embedding(len(texts)))
        views = new.reshape(len(fresh), len(VIEWS), -1)
        by_id = {c.id: views[i] for i, c in enumerate(fresh)}
    for chunk in chunks:
        if chunk.id not in by_id and previous is not None:
            by_id[chunk.id] = previous.vectors(reusable[chunk.id])
    return np.stack([by_id[c.id] for c in chunks]).astype(np.float32)


def _info(doc: Document, chunks: list[Chunk]) -> DocumentInfo:
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.section] = counts.get(c.section, 0) + 1
    sections = tuple(
        SectionInfo(s.title, counts.get(s.title, 0), s.navigation) for s in doc.sections
    )
    return DocumentInfo(doc.id, doc.title, doc.source, doc.sha256, sections, doc.related)


def _section_count(documents: Sequence[DocumentInfo]) -> int:
    return sum(1 for d in documents for s in d.sections if not s.navigation)
