"""Feedback in PostgreSQL, one table that every replica appends to.

Each verdict is one committed transaction before `add` returns, so a replica killed mid-stream
loses at most the verdicts it had not acknowledged. Connections are kept in a small pool, opened
on first use: a database that is down costs the verdicts (FeedbackUnavailableError, a 503), never
the server's start or its answers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb

from feedback.store import COLUMNS, FeedbackUnavailableError, Verdict, full
from retriever.errors import GuideRagError

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    answer_id text NOT NULL,
    verdict text NOT NULL CHECK (verdict IN ('helpful', 'not_helpful')),
    question text NOT NULL,
    answer text NOT NULL,
    citations jsonb NOT NULL,  -- the answer's citations (n, section, chunk_id, text)
    chosen integer,            -- the citation n the reader says answered, if any
    build_id text NOT NULL,
    model text NOT NULL
)
"""
# Every writer, in every replica, holds this transaction-scoped lock while it counts and
# appends (advisory locks are per database): the cap is exact, whatever the number of replicas.
WRITE_LOCK = 0x67756964655F7261  # "guide_ra"
# Append-only, ids handed out under WRITE_LOCK: the last id is the row count, read from the
# primary key's index (no scan). Ids lost to a failed insert or to a database crash (sequences
# skip ahead) only make the count larger, so the cap errs on the side of fewer rows.
INSERT = f"""
INSERT INTO feedback ({COLUMNS})
SELECT %s, %s, %s, %s, %s, %s::integer, %s, %s
WHERE (SELECT coalesce(max(id), 0) FROM feedback) < %s
RETURNING id
"""
CONNECT_TIMEOUT = 5  # seconds, unless the URL says otherwise
STATEMENT_TIMEOUT = "10s"  # a stuck database answers 503, not a request that never ends

Connection = psycopg.Connection[tuple[Any, ...]]


class PostgresStore:
    def __init__(self, url: str, max_rows: int, *, connections: int = 4) -> None:
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise GuideRagError(f"GUIDE_RAG_FEEDBACK_URL does not parse: {exc}") from None
        params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        params.setdefault("application_name", "guide-rag")
        self._conninfo = make_conninfo("", **params)
        self.max_rows = max_rows
        self.connections = connections  # idle ones kept; busy ones are as many as callers
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self._schema_ready = False

    def add(self, v: Verdict) -> int:
        values = (v.answer_id, v.verdict, v.question, v.answer, Jsonb(v.citations_json()),
                  v.chosen, v.build_id, v.model, self.max_rows)  # fmt: skip
        return self._add(values, retry=True)

    def _add(self, values: tuple[Any, ...], *, retry: bool) -> int:
        conn, reused = self._take()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                row = conn.execute(INSERT, values).fetchone()
        except errors.UndefinedTable:
            # Someone archived the table (renamed it away): make a new one and write there.
            self._schema_ready = False
            self._give_back(conn)
            if retry:
                return self._add(values, retry=False)
            raise FeedbackUnavailableError("the feedback table keeps disappearing") from None
        except psycopg.Error as exc:
            dropped = conn.broken
            conn.close()
            # An idle connection the database dropped (a restart) fails on first use, before
            # the server sees the insert: once more on a fresh one. (A connection that breaks
            # after the server committed but before it said so would store that verdict twice;
            # the reader was told 503: at worst a duplicate, never a lost verdict.)
            if retry and reused and dropped:
                return self._add(values, retry=False)
            raise _unavailable(exc) from exc
        self._give_back(conn)
        if row is None:
            raise full(self.max_rows)
        return int(row[0])

    def rows(self) -> Iterator[Verdict]:
        try:
            with self._connect() as conn:
                self._create_schema(conn)  # an export before the first verdict finds no rows
                with conn.transaction(), conn.cursor(name="feedback_export") as cursor:
                    cursor.itersize = 500  # server-side cursor: streamed, not all in memory
                    cursor.execute(f"SELECT {COLUMNS} FROM feedback ORDER BY id")
                    for row in cursor:
                        yield Verdict.from_row(row)
        except psycopg.Error as exc:
            raise _unavailable(exc) from exc

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _take(self) -> tuple[Connection, bool]:
        """A connection ready to write, and whether it was idle in the pool (rather than new)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        reused = conn is not None and not conn.closed
        try:
            if conn is None or not reused:
                conn = self._connect()
            if not self._schema_ready:
                self._create_schema(conn)
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
            raise _unavailable(exc) from exc
        return conn, reused

    def _connect(self) -> Connection:
        conn = psycopg.connect(self._conninfo, autocommit=True)
        try:
            # Our durability and latency promises, whatever the database's defaults are.
            conn.execute("SET synchronous_commit = on")
            conn.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
        except BaseException:
            conn.close()
            raise
        return conn

    def _create_schema(self, conn: Connection) -> None:
        with conn.transaction():  # replicas starting together: one creates, the others wait
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            conn.execute(SCHEMA)
        self._schema_ready = True

    def _give_back(self, conn: Connection) -> None:
        with self._lock:
            if len(self._idle) < self.connections and not conn.closed:
                self._idle.append(conn)
                return
        conn.close()


def _unavailable(exc: psycopg.Error) -> FeedbackUnavailableError:
    said = str(exc).strip()
    return FeedbackUnavailableError(said.splitlines()[0] if said else type(exc).__name__)
