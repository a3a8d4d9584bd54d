"""What an ingest did (or would do): per guide and in total; its one JSON shape."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.discovery import Skipped
from ingest.structure import Document
from retriever.index import DocumentInfo, IndexBuild, Manifest
from retriever.types import Chunk


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentChange:
    """What an ingest does to one guide's chunks."""

    document: str
    added: int
    unchanged: int
    removed: int


@dataclass(frozen=True, slots=True, kw_only=True)
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


def up_to_date(
    m: Manifest,
    index_dir: Path,
    docs: Sequence[Document],
    skipped: Sequence[Skipped],
    dry_run: bool,
    started: float,
) -> IngestReport:
    unchanged = [
        DocumentChange(
            document=d.id, added=0, unchanged=sum(s.chunks for s in d.sections), removed=0
        )
        for d in m.documents
    ]
    return IngestReport(
        index_dir=index_dir, build_id=m.build_id, documents=len(docs),
        sections=section_count(m.documents), chunks=m.chunk_count, added=0,
        unchanged=m.chunk_count, removed=0, embedded=0, seconds=time.perf_counter() - started,
        up_to_date=True, dry_run=dry_run, skipped=tuple(skipped), changes=tuple(unchanged),
    )  # fmt: skip


def changes(
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
            document=doc,
            added=len(now.get(doc, set()) - set(reusable)),
            unchanged=len(now.get(doc, set()) & set(reusable)),
            removed=len(before.get(doc, set()) - now.get(doc, set())),
        )
        for doc in [*now, *(d for d in before if d not in now)]
    )


def section_count(documents: Sequence[DocumentInfo]) -> int:
    return sum(1 for d in documents for s in d.sections if not s.navigation)
