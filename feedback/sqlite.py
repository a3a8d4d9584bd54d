"""Feedback in one SQLite file (WAL), local to the process: each verdict is one committed row,
so a killed server loses at most the verdict it was writing, never one it acknowledged."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from feedback.store import COLUMNS, Verdict, full, now

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


PLACES = ", ".join("?" * 9)


def _write_ahead(db: sqlite3.Connection) -> None:
    """WAL mode. Switching takes the file's exclusive lock, which SQLite does not wait for: two
    processes opening a new store at once retry for a while instead of failing."""
    for attempt in range(50):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.05)


class SqliteStore:
    def __init__(self, path: Path, max_rows: int) -> None:
        self.path = path
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30
            )
            _write_ahead(db)
            db.execute("PRAGMA synchronous=FULL")  # a committed verdict survives power loss too
            db.execute(SCHEMA)
            self._db = db
        return self._db

    def add(self, v: Verdict) -> int:
        with self._lock:
            db = self._connect()
            # IMMEDIATE takes the write lock first: another process on the same file cannot
            # slip a row between the count and the insert, so the cap is exact.
            db.execute("BEGIN IMMEDIATE")
            try:
                # Append-only (no row is ever deleted), so the last id is the row count: no scan.
                (rows,) = db.execute("SELECT coalesce(max(id), 0) FROM feedback").fetchone()
                if rows >= self.max_rows:
                    raise full(self.max_rows)
                cursor = db.execute(
                    f"INSERT INTO feedback (created_at, {COLUMNS}) VALUES ({PLACES})",
                    (now(), v.answer_id, v.verdict, v.question, v.answer,
                     json.dumps(v.citations_json()), v.chosen, v.build_id, v.model),
                )  # fmt: skip
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return int(cursor.lastrowid or 0)

    def rows(self) -> Iterator[Verdict]:
        with self._lock:
            records = self._connect().execute(f"SELECT {COLUMNS} FROM feedback ORDER BY id")
            found = records.fetchall()
        for record in found:
            yield Verdict.from_row(record)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
