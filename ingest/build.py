"""Ingest: guides → chunks → vectors (new chunks only) → calibrated → published.

The calibration step belongs to whoever orchestrates (the CLI passes evaluation's calibrator);
ingest only runs it on the built index, records its result and what it read, and publishes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.chunking import chunk_document, view_texts
from ingest.errors import CorpusError
from ingest.loaders import Skipped, discover, document_id, load_document
from ingest.publish import index_lock, previous_build, publish
from ingest.settings import IngestSettings
from ingest.structure import Document, unit_text
from retriever.embedding import Embedder, SentenceTransformerEmbedder
from retriever.index import FORMAT_VERSION, VIEWS, DocumentInfo, IndexBuild, Manifest, SectionInfo
from retriever.types import Chunk


class Calibrator(Protocol):
    def inputs(self, guides: Sequence[Mapping[str, str]]) -> str:
        """A digest of what `calibrate` will read for these guides (each given as {section
        title: its searchable text}): unchanged guides and inputs mean no rebuild."""
        ...

    def calibrate(self, build: IndexBuild, embedder: Embedder) -> dict[str, Any]:
        """The abstention threshold for `build` and its source, recorded in the manifest."""
        ...


class NoCalibration:
    """Record nothing: serving then uses GUIDE_RAG_MIN_SCORE or the measured fallback."""

    def inputs(self, guides: Sequence[Mapping[str, str]]) -> str:
        return "none"

    def calibrate(self, build: IndexBuild, embedder: Embedder) -> dict[str, Any]:
        return {}


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "sections": self.sections,
            "chunks": self.chunks,
            "added": self.added,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "up_to_date": self.up_to_date,
            "build_id": self.build_id,
            "index_dir": str(self.index_dir),
            "skipped": [str(s.path) for s in self.skipped],
            "dry_run": self.dry_run,
            "changes": [
                {"document": c.document, "added": c.added, "unchanged": c.unchanged,
                 "removed": c.removed} for c in self.changes
            ],
        }  # fmt: skip


class Progress:
    """What ingest reports while it works; the CLI draws it, library callers may ignore it."""

    def embedding(self, total: int) -> Callable[[int], None]:
        return lambda done: None


def run_ingest(
    settings: IngestSettings,
    paths: Sequence[Path] | None = None,
    *,
    embedder: Embedder | None = None,
    calibrator: Calibrator | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    dry_run: bool = False,
) -> IngestReport:
    """Build, calibrate and publish an index of the guides at `paths` (default: the corpus).

    Only chunks the live build lacks are embedded. One ingest at a time per index directory.
    With `dry_run`, nothing is embedded or written: the report says what would change.
    """
    started = time.perf_counter()
    files = discover(list(paths or [settings.corpus_dir]))  # no guides: fail before touching
    calibrator = calibrator or NoCalibration()
    with index_lock(settings.index_dir, create=not dry_run):
        docs, skipped = load_guides(files, strict)
        previous = previous_build(settings.index_dir)
        inputs = calibrator.inputs([searchable_sections(d) for d in docs])
        if previous is not None and _same_inputs(previous.manifest, docs, settings, inputs):
            return _up_to_date(previous.manifest, settings, docs, skipped, dry_run, started)
        embedder = embedder or SentenceTransformerEmbedder(settings.model, threads=settings.threads)
        per_doc = [
            chunk_document(d, embedder.count_tokens, settings.max_chunk_tokens) for d in docs
        ]
        chunks = [c for doc_chunks in per_doc for c in doc_chunks]
        reusable: dict[str, int] = {}
        if previous is not None and previous.manifest.model == settings.model:
            reusable = {c.id: i for i, c in enumerate(previous.chunks)}
        fresh = [c for c in chunks if c.id not in reusable]
        kept = len(chunks) - len(fresh)
        infos = tuple(_info(d, cs) for d, cs in zip(docs, per_doc, strict=True))
        build_id = previous.manifest.build_id if previous is not None and dry_run else ""
        if not dry_run:
            vectors = _vectors(chunks, fresh, reusable, previous, embedder, progress or Progress())
            build = IndexBuild.in_memory(_manifest(settings, infos, vectors), chunks, vectors)
            calibration = {**calibrator.calibrate(build, embedder), "inputs": inputs}
            build = replace(build, manifest=replace(build.manifest, calibration=calibration))
            publish(settings.index_dir, build)
            build_id = build.manifest.build_id
        return IngestReport(
            settings.index_dir, build_id, len(docs), _section_count(infos), len(chunks),
            len(fresh), kept, (len(previous.chunks) - kept) if previous is not None else 0,
            0 if dry_run else len(fresh) * len(VIEWS), time.perf_counter() - started,
            dry_run=dry_run, skipped=tuple(skipped), changes=_changes(chunks, reusable, previous),
        )  # fmt: skip


def load_guides(files: Sequence[Path], strict: bool) -> tuple[list[Document], list[Skipped]]:
    """Parse every guide; an unreadable one is skipped with its reason (or fails, if strict)."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    ids: set[str] = set()
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
        ids.add(doc_id)
        docs.append(doc)
    if not docs:
        reasons = "; ".join(s.reason for s in skipped)
        raise CorpusError(f"no usable guide to ingest: {reasons}")
    return docs, skipped


def searchable_sections(doc: Document) -> dict[str, str]:
    """{section title: its text as chunks will hold it}, navigation left out."""
    return {
        s.title: "\n".join(unit_text(u) for u in s.units) for s in doc.sections if not s.navigation
    }


def _same_inputs(
    manifest: Manifest, docs: Sequence[Document], settings: IngestSettings, inputs: str
) -> bool:
    """The live build was made from exactly these guides, settings and calibration inputs."""
    return (
        manifest.model == settings.model
        and manifest.max_chunk_tokens == settings.max_chunk_tokens
        and manifest.calibration.get("inputs") == inputs
        and sorted((d.id, d.sha256) for d in manifest.documents)
        == sorted((d.id, d.sha256) for d in docs)
    )


def _up_to_date(
    m: Manifest,
    settings: IngestSettings,
    docs: Sequence[Document],
    skipped: Sequence[Skipped],
    dry_run: bool,
    started: float,
) -> IngestReport:
    unchanged = [DocumentChange(d.id, 0, sum(s.chunks for s in d.sections), 0)
                 for d in m.documents]  # fmt: skip
    return IngestReport(
        settings.index_dir, m.build_id, len(docs), _section_count(m.documents),
        m.chunk_count, 0, m.chunk_count, 0, 0, time.perf_counter() - started,
        up_to_date=True, dry_run=dry_run, skipped=tuple(skipped), changes=tuple(unchanged),
    )  # fmt: skip


def _manifest(
    settings: IngestSettings, infos: tuple[DocumentInfo, ...], vectors: np.ndarray
) -> Manifest:
    now = datetime.now(UTC)
    return Manifest(
        format_version=FORMAT_VERSION,
        build_id=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        built_at=now.isoformat(timespec="seconds"),
        model=settings.model,
        dim=int(vectors.shape[2]),
        max_chunk_tokens=settings.max_chunk_tokens,
        documents=infos,
        chunk_count=int(vectors.shape[0]),
    )


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
