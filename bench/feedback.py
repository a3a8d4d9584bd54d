"""What the exact row cap costs: verdicts per second into each feedback store, from two
"replicas" (store instances) of several threads each, and how far past the cap writers get.

    .venv/bin/python bench/feedback.py [--verdicts 2000] [--threads 4] [--out result.json]

- sqlite: one file, two processes' worth of stores (BEGIN IMMEDIATE: exact).
- postgres: a real PostgreSQL started here (tests/postgres.py); what the store does: a ticket
  from the id sequence, written only within the cap (exact, no lock).
- postgres_lock_max: the alternative, an advisory lock held from max(id) to the commit (exact).
- postgres_max: max(id) then insert, no lock: the cap exceeded by up to the concurrent writers.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchkit import environment, percentiles, print_table

from feedback.postgres import PostgresStore
from feedback.sqlite import SqliteStore
from feedback.store import COLUMNS, FeedbackFullError, FeedbackStore, Verdict, full
from retriever.types import Citation
from tests.postgres import bindir, postgres_server

BY_MAX = f"""
INSERT INTO feedback ({COLUMNS})
SELECT %s, %s, %s, %s, %s, %s::integer, %s, %s
WHERE (SELECT coalesce(max(id), 0) FROM feedback) < %s
RETURNING id
"""


class ByMax(PostgresStore):
    """The row count as max(id), in one transaction, with or without a lock around it."""

    lock = True

    def _add(self, values: tuple[Any, ...], *, retry: bool) -> int:
        cap, *fields, _ = values
        conn, _reused = self._take()
        try:
            with conn.transaction():
                if self.lock:
                    conn.execute("SELECT pg_advisory_xact_lock(1)")
                row = conn.execute(BY_MAX, (*fields, cap)).fetchone()
        finally:
            self._give_back(conn)
        if row is None:
            raise full(self.max_rows)
        return int(row[0])


class ByMaxUnlocked(ByMax):
    lock = False


VERDICT = Verdict(
    answer_id="ans_bench", verdict="helpful", question="What do entry level AI engineers earn?",
    answer="Entry level AI engineers typically start at $90,000 to $130,000. [1]",
    citations=(Citation(n=1, document="guide", section="Pay", chunk_id="c1", score=0.7,
                        text="Entry level AI engineers typically start at $90,000 to $130,000."),),
    chosen=1, build_id="bench", model="bench",
)  # fmt: skip


def run(
    open_: Callable[[int], FeedbackStore], verdicts: int, threads: int, cap: int
) -> dict[str, Any]:
    """Two replicas x `threads` writers; `verdicts` in all, or until the cap refuses."""
    replicas = [open_(cap), open_(cap)]
    writers = 2 * threads
    latencies: list[float] = []
    stop = threading.Barrier(writers)

    def write(store: FeedbackStore) -> None:
        stop.wait()
        for _ in range(verdicts // writers):
            started = time.perf_counter()
            try:
                store.add(VERDICT)
            except FeedbackFullError:
                return
            latencies.append((time.perf_counter() - started) * 1000)

    pool = [threading.Thread(target=write, args=(replicas[n % 2],)) for n in range(writers)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.perf_counter() - started
    stored = sum(1 for _ in replicas[0].rows())
    for store in replicas:
        store.close()
    return {"verdicts_per_s": round(len(latencies) / took), **percentiles(latencies),
            "stored": stored, "over_cap": max(0, stored - cap)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verdicts", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4, help="writers per replica")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    found = bindir()
    if found is None:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql")
    result: dict[str, Any] = {"environment": environment(), "threads_per_replica": args.threads}
    with tempfile.TemporaryDirectory() as tmp, postgres_server(found) as server:

        def fresh(store: type[PostgresStore]) -> Callable[[int], FeedbackStore]:
            url = server.create_database(f"bench_{uuid.uuid4().hex[:8]}")
            return lambda cap: store(url, cap, connections=args.threads)

        def sqlite() -> Callable[[int], FeedbackStore]:
            db = Path(tmp) / f"{uuid.uuid4().hex[:8]}.sqlite3"
            return lambda cap: SqliteStore(db, cap)

        kinds: dict[str, Callable[[], Callable[[int], FeedbackStore]]] = {
            "sqlite": sqlite, "postgres": lambda: fresh(PostgresStore),
            "postgres_lock_max": lambda: fresh(ByMax), "postgres_max": lambda: fresh(ByMaxUnlocked),
        }  # fmt: skip
        for name, make in kinds.items():
            result[name] = {
                "throughput": run(make(), args.verdicts, args.threads, cap=10**9),
                "at_the_cap": run(make(), args.verdicts, args.threads, cap=args.verdicts // 4),
            }
            print_table({f"{k}.{f}": v for k, r in result[name].items() for f, v in r.items()},
                        f"feedback store: {name}")  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
