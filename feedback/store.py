"""Append-only feedback in SQLite (WAL): each verdict is one committed row, so a killed server
loses at most the verdict it was writing, never one it acknowledged."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from retriever.errors import GuideRagError
from retriever.types import Citation

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'not_helpful')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,   -- JSON: the answer's citations (n, section, chunk_id, text)
    chosen INTEGER,            -- the citation n the reader says answered, if any
    build_id TEXT NOT NULL,
    model TEXT NOT NULL
)
"""


class FeedbackFullError(GuideRagError):
    """The store holds its row cap; nothing more is written."""


VerdictKind = Literal["helpful", "not_helpful"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    answer_id: str
    verdict: VerdictKind
    question: str
    answer: str
    citations: tuple[Citation, ...]
    chosen: int | None  # the citation n the reader says answered
    build_id: str
    model: str


class FeedbackStore:
    def __init__(self, path: Path, max_rows: int) -> None:
        self.path = path
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # a committed verdict survives power loss too
            db.execute(SCHEMA)
            self._db = db
        return self._db

    def add(self, v: Verdict) -> int:
        """Append one verdict; FeedbackFullError at the row cap."""
        with self._lock:
            db = self._connect()
            # Append-only (no row is ever deleted), so the last id is the row count: no scan.
            (rows,) = db.execute("SELECT coalesce(max(id), 0) FROM feedback").fetchone()
            if rows >= self.max_rows:
                raise FeedbackFullError(
                    f"the feedback store holds {rows} verdicts, its cap "
                    "(GUIDE_RAG_FEEDBACK_MAX_ROWS): export and archive it to take more"
                )
            cursor = db.execute(
                "INSERT INTO feedback (created_at, answer_id, verdict, question, answer,"
                " citations, chosen, build_id, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"), v.answer_id, v.verdict,
                    v.question, v.answer, json.dumps([c.to_dict() for c in v.citations]),
                    v.chosen, v.build_id,
                    v.model,
                ),
            )  # fmt: skip
            return int(cursor.lastrowid or 0)

    def rows(self) -> Iterator[Verdict]:
        with self._lock:
            query = (
                "SELECT answer_id, verdict, question, answer, citations, chosen, build_id,"
                " model FROM feedback ORDER BY id"
            )
            records = self._connect().execute(query).fetchall()
        for answer_id, verdict, question, answer, citations, chosen, build_id, model in records:
            yield Verdict(
                answer_id=answer_id, verdict=verdict, question=question, answer=answer,
                citations=tuple(Citation.from_dict(c) for c in json.loads(citations)),
                chosen=chosen, build_id=build_id, model=model,
            )  # fmt: skip

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
