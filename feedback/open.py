"""The one place that picks a feedback store: PostgreSQL when a URL is given (replicas share
it), else the SQLite file of this process."""

from __future__ import annotations

from pathlib import Path

from feedback.store import FeedbackStore


def open_store(*, url: str | None, db: Path, max_rows: int, connections: int = 4) -> FeedbackStore:
    """Nothing is opened yet: the first verdict (or export) connects."""
    if url:
        from feedback.postgres import PostgresStore  # psycopg only where it is used

        return PostgresStore(url, max_rows, connections=connections)
    from feedback.sqlite import SqliteStore

    return SqliteStore(db, max_rows)
