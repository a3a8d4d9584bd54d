"""Ingest: guides → chunks → vectors (new chunks only) → published, with the model's
abstention calibration recorded in the manifest (the index describes itself)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from config.settings import Settings
from ingest.budgets import Budgets, budgets_of
from ingest.chunking import chunk_document
from ingest.discovery import Found, Skipped, discover
from ingest.embedder import embedder_for
from ingest.errors import CorpusError
from ingest.loaders import document_id, load_document
from ingest.publish import index_lock, previous_build, publish
from ingest.report import IngestReport, changes, section_count, up_to_date
from ingest.structure import Document
from ingest.vectors import reusable_rows, vectors_for
from retriever.embedding import Embedder
from retriever.embedding import ref_of as model_ref
from retriever.index import FORMAT_VERSION, DocumentInfo, IndexBuild, Manifest, SectionInfo
from retriever.types import Chunk


def digest(raw: object) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


class Progress(Protocol):
    """What ingest reports while it works; the CLI draws it."""

    def embedding(self, total: int) -> Callable[[int], None]:
        """Starting to embed `total` texts: the callback takes how many more are done."""
        ...


class Quiet:
    """No progress to show (library callers, tests)."""

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
    """Build and publish an index of the guides at `paths` (default: the corpus).

    Only chunks the live build lacks are embedded. One ingest at a time per index directory;
    the guides are read before the lock is taken, so a slow guide (bounded by its budgets)
    never holds it. With `dry_run`, nothing is embedded or written: the report says what would
    change.
    """
    started = time.perf_counter()
    index_dir = settings.paths.index
    found = discover(
        list(paths or [settings.paths.corpus]), follow_symlinks=settings.ingest.follow_symlinks
    )
    docs, skipped = load_guides(found, strict, budgets_of(settings))
    with index_lock(index_dir, create=not dry_run):
        previous = previous_build(index_dir)
        embedder = embedder or embedder_for(settings)  # loads nothing until it embeds
        calibration = embedder.calibration
        inputs = digest(calibration.to_dict()) if calibration else "none"
        same_model = previous and previous.manifest.model.fingerprint == embedder.fingerprint
        live = previous if same_model else None
        if live is not None and _same_inputs(live.manifest, docs, settings, inputs):
            return up_to_date(live.manifest, index_dir, docs, skipped, dry_run, started)
        docs, per_doc, skipped = _chunk_within_budget(docs, embedder, settings, skipped, strict)
        chunks = [c for doc_chunks in per_doc for c in doc_chunks]
        # The vectors of chunks the live build already holds are reused: same text, same model.
        reusable = reusable_rows(chunks, live)
        kept = sum(1 for c in chunks if c.id in reusable)
        infos = tuple(_info(d, cs) for d, cs in zip(docs, per_doc, strict=True))
        build_id = previous.manifest.build_id if previous is not None and dry_run else ""
        embedded = 0
        if not dry_run:
            bar = progress or Quiet()
            vectors, sentences, tokens, embedded = vectors_for(
                chunks, embedder, live, bar.embedding
            )
            manifest = _manifest(settings, embedder, infos, len(chunks))
            build = IndexBuild.in_memory(manifest, chunks, vectors, sentences, tokens)
            if calibration is not None:
                calibration = replace(calibration, inputs=inputs)
            build = replace(build, manifest=replace(build.manifest, calibration=calibration))
            publish(index_dir, build)
            build_id = build.manifest.build_id
        return IngestReport(
            index_dir=index_dir, build_id=build_id, documents=len(docs),
            sections=section_count(infos), chunks=len(chunks), added=len(chunks) - kept,
            unchanged=kept, removed=(len(previous.chunks) - kept) if previous is not None else 0,
            embedded=embedded, seconds=time.perf_counter() - started, dry_run=dry_run,
            skipped=tuple(skipped), changes=changes(chunks, reusable, previous),
        )  # fmt: skip


def chunk_guides(
    docs: Sequence[Document],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    budgets: Budgets | None = None,
) -> list[list[Chunk]]:
    """Each guide's chunks, in reading order (what ingest indexes and tuning trains on);
    OverBudget for a guide that makes more than GUIDE_RAG_MAX_CHUNKS."""
    return [chunk_document(d, count_tokens, max_tokens, budgets) for d in docs]


def load_guides(
    found: Found, strict: bool, budgets: Budgets | None = None
) -> tuple[list[Document], list[Skipped]]:
    """Parse every guide found; one that cannot be read, or goes over a budget, is skipped with
    its reason, as are the entries discovery refused (with `strict`, each fails instead)."""
    if strict and found.skipped:
        raise CorpusError(found.skipped[0].reason)
    docs: list[Document] = []
    skipped = list(found.skipped)
    ids: set[str] = set()
    for path in found.files:
        doc_id = document_id(path)
        if doc_id in ids:
            doc_id = f"{doc_id}-{path.suffix.lstrip('.').lower()}"
        try:
            doc = load_document(path, doc_id, budgets)
        except CorpusError as exc:
            if strict:
                raise
            skipped.append(Skipped(path, str(exc)))
            continue
        ids.add(doc_id)
        docs.append(doc)
    _some_left(docs, skipped)
    return docs, skipped


def _chunk_within_budget(
    docs: list[Document],
    embedder: Embedder,
    settings: Settings,
    skipped: list[Skipped],
    strict: bool,
) -> tuple[list[Document], list[list[Chunk]], list[Skipped]]:
    """The guides whose chunks fit the chunk budget, and their chunks; the others skipped (or
    failing, if strict)."""
    kept: list[Document] = []
    per_doc: list[list[Chunk]] = []
    skipped = list(skipped)
    for doc in docs:
        try:
            (chunks,) = chunk_guides(
                [doc], embedder.count_tokens, settings.ingest.max_chunk_tokens, budgets_of(settings)
            )
        except CorpusError as exc:
            if strict:
                raise
            skipped.append(Skipped(Path(doc.source), str(exc)))
            continue
        kept.append(doc)
        per_doc.append(chunks)
    _some_left(kept, skipped)
    return kept, per_doc, skipped


def _some_left(docs: Sequence[Document], skipped: Sequence[Skipped]) -> None:
    if not docs:
        reasons = "; ".join(s.reason for s in skipped)
        raise CorpusError(f"no usable guide to ingest: {reasons}")


def _same_inputs(
    manifest: Manifest, docs: Sequence[Document], settings: Settings, inputs: str
) -> bool:
    """The live build was made from exactly these guides, settings and calibration."""
    recorded = manifest.calibration.inputs if manifest.calibration else "none"
    return (
        manifest.max_chunk_tokens == settings.ingest.max_chunk_tokens
        and recorded == inputs
        and sorted((d.id, d.sha256) for d in manifest.documents)
        == sorted((d.id, d.sha256) for d in docs)
    )


def _manifest(
    settings: Settings, embedder: Embedder, infos: tuple[DocumentInfo, ...], chunks: int
) -> Manifest:
    now = datetime.now(UTC)
    return Manifest(
        format_version=FORMAT_VERSION,
        build_id=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        built_at=now.isoformat(timespec="seconds"),
        model=model_ref(embedder),
        max_chunk_tokens=settings.ingest.max_chunk_tokens,
        documents=infos,
        chunk_count=chunks,
    )


def _info(doc: Document, chunks: list[Chunk]) -> DocumentInfo:
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.section] = counts.get(c.section, 0) + 1
    sections = tuple(
        SectionInfo(title=s.title, chunks=counts.get(s.title, 0), navigation=s.navigation)
        for s in doc.sections
    )
    return DocumentInfo(id=doc.id, title=doc.title, source=doc.source, sha256=doc.sha256,
                        sections=sections, related=doc.related)  # fmt: skip
