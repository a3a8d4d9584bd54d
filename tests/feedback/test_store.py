"""The feedback stores behind one interface, each test on both (SQLite and a real PostgreSQL):
rows come back as written, the cap is exact under concurrent writers in two replicas; and what
only a database does: refuse, restart, have its table archived away."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from feedback.open import open_store
from feedback.store import FeedbackFullError, FeedbackStore, FeedbackUnavailableError, Verdict
from retriever.types import Citation
from tests.helpers import free_port
from tests.postgres import PostgresServer, bindir, postgres_server, query

Stores = Callable[..., FeedbackStore]


def verdict(n: int, *, chosen: int | None = 1) -> Verdict:
    citations = tuple(
        Citation(n=i, document="guide", section=f"Pay «{i}»", chunk_id=f"c{i}", score=0.5,
                 text=f"Entry level AI engineers typically start at $9{i},000. Second sentence.")
        for i in (1, 2)
    )  # fmt: skip
    return Verdict(
        answer_id=f"ans_{n}", verdict="helpful" if n % 2 else "not_helpful",
        question=f"what do entry level AI engineers earn? — №{n}", answer=f"answer {n} [1]",
        citations=citations, chosen=chosen, build_id="b1", model="fake",
    )  # fmt: skip


def test_verdicts_come_back_as_written_in_order(feedback_store: Stores) -> None:
    store = feedback_store()
    assert list(store.rows()) == []  # an empty store exports nothing (and is created)
    given = [verdict(1), verdict(2, chosen=None), verdict(3, chosen=2)]
    assert [store.add(v) for v in given] == [1, 2, 3]
    assert list(store.rows()) == given
    other = feedback_store()  # another process (a replica, or the export) sees the same rows
    assert other.add(verdict(4)) == 4
    assert list(store.rows()) == [*given, verdict(4)]


def test_the_cap_is_exact_with_concurrent_writers_in_two_replicas(feedback_store: Stores) -> None:
    cap, writers = 60, 8
    replicas = [feedback_store(max_rows=cap), feedback_store(max_rows=cap)]
    acknowledged: list[int] = []
    refused: list[Exception] = []
    start = threading.Barrier(writers)

    def write(store: FeedbackStore, w: int) -> None:
        start.wait()
        n = 0
        while True:
            try:
                acknowledged.append(store.add(verdict(w * 1000 + n)))
            except FeedbackFullError as exc:
                refused.append(exc)
                return
            n += 1

    threads = [threading.Thread(target=write, args=(replicas[w % 2], w)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(refused) == writers  # every writer ended on the cap, none on anything else
    assert sorted(acknowledged) == list(range(1, cap + 1))
    assert len(list(replicas[0].rows())) == cap
    assert "GUIDE_RAG_FEEDBACK_MAX_ROWS" in str(refused[0])


def test_a_full_store_takes_more_once_its_cap_is_raised(feedback_store: Stores) -> None:
    full = feedback_store(max_rows=2)
    assert [full.add(verdict(n)) for n in (1, 2)] == [1, 2]
    for n in range(5):  # refused verdicts use up nothing
        with pytest.raises(FeedbackFullError):
            full.add(verdict(3 + n))
    raised = feedback_store(max_rows=4)
    assert [raised.add(verdict(n)) for n in (8, 9)] == [3, 4]
    with pytest.raises(FeedbackFullError):
        raised.add(verdict(10))


def test_the_sqlite_store_writes_ahead_and_syncs(tmp_path: Path) -> None:
    store = open_store(url=None, db=tmp_path / "fb.sqlite3", max_rows=10)
    store.add(verdict(1))
    store.close()
    with sqlite3.connect(tmp_path / "fb.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_database_that_refuses_is_unavailable_with_its_reason(tmp_path: Path) -> None:
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/feedback"  # nothing listens there
    store = open_store(url=url, db=tmp_path / "unused.sqlite3", max_rows=10)
    with pytest.raises(FeedbackUnavailableError) as caught:
        store.add(verdict(1))
    assert "refused" in caught.value.reason.lower()
    assert str(caught.value) == "the feedback database is unavailable; retry in a few seconds"
    assert not (tmp_path / "unused.sqlite3").exists()


def test_replicas_starting_together_create_the_table_once(postgres_url: str) -> None:
    replicas = [open_store(url=postgres_url, db=Path("/unused"), max_rows=100) for _ in range(8)]
    start = threading.Barrier(len(replicas))
    failed: list[Exception] = []

    def first_verdict(store: FeedbackStore, n: int) -> None:
        start.wait()
        try:
            store.add(verdict(n))
        except Exception as exc:
            failed.append(exc)

    threads = [threading.Thread(target=first_verdict, args=(s, n)) for n, s in enumerate(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for store in replicas:
        store.close()
    assert failed == []
    assert query(postgres_url, "SELECT count(*) FROM feedback") == [(8,)]


def test_an_archived_table_is_made_anew(postgres_url: str) -> None:
    store = open_store(url=postgres_url, db=Path("/unused"), max_rows=6)
    # Six writes: past psycopg's threshold, the insert is a prepared statement on the server.
    assert [store.add(verdict(n)) for n in range(6)] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(FeedbackFullError):
        store.add(verdict(6))
    # The operator exports, then archives (docs/api.md): the table is renamed away.
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE feedback RENAME TO feedback_2024")
    assert store.add(verdict(7)) == 1  # a fresh table, and room again
    store.close()
    assert query(postgres_url, "SELECT count(*) FROM feedback_2024") == [(6,)]
    assert query(postgres_url, "SELECT answer_id FROM feedback") == [("ans_7",)]


@pytest.fixture
def own_postgres(postgres: PostgresServer) -> Iterator[PostgresServer]:
    """A cluster of its own, for a test that stops and restarts it (the session's is shared)."""
    found = bindir()
    assert found is not None  # `postgres` skipped otherwise
    with postgres_server(found) as server:
        yield server


def test_a_restarted_database_takes_verdicts_again(own_postgres: PostgresServer) -> None:
    url = own_postgres.create_database("feedback")
    store = open_store(url=url, db=Path("/unused"), max_rows=100)
    assert store.add(verdict(1)) == 1
    own_postgres.stop()
    own_postgres.start()
    # The pooled connection died with the restart; the verdict goes through on a new one.
    assert store.add(verdict(2)) == 2
    own_postgres.stop()
    with pytest.raises(FeedbackUnavailableError):
        store.add(verdict(3))
    own_postgres.start()
    assert store.add(verdict(3)) == 3
    assert [v.answer_id for v in store.rows()] == ["ans_1", "ans_2", "ans_3"]
    store.close()
