"""Feedback that replicas share: two real `guide-rag serve` processes writing verdicts to one
real PostgreSQL, one SIGKILLed mid-stream; and a database that hangs, which must never hold the
threads that answer questions."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from tests.helpers import CLI, NO_CA, ROOT, env_for, live_server_process
from tests.postgres import query

QUESTION = "What salary do entry level AI engineers typically start at? (replica {name} #{n})"
WRITERS = 3  # per replica


@pytest.mark.server
def test_two_replicas_share_the_store_and_a_killed_one_loses_no_acknowledged_verdict(
    fake_index: Settings, postgres_url: str, tmp_path: Path
) -> None:
    env = {
        **env_for(fake_index),
        "GUIDE_RAG_FEEDBACK_URL": postgres_url,
        "GUIDE_RAG_FEEDBACK_PER_SECOND": "100000",
    }  # fmt: skip  (the rate is not under test)
    acknowledged: dict[str, list[tuple[int, str]]] = {"a": [], "b": []}  # (feedback id, question)
    refused: list[int] = []
    stop = threading.Event()
    with (
        live_server_process(env, tmp_path / "a.log") as (a, proc_a),
        live_server_process(env, tmp_path / "b.log") as (b, _),
    ):
        asked = {}  # answer id → (replica, question); an id is known only to its replica
        for name, base in (("a", a), ("b", b)):
            for n in range(5):
                question = QUESTION.format(name=name, n=n)
                answer = httpx.post(f"{base}/ask", json={"question": question}, verify=NO_CA).json()
                assert answer["citations"], answer
                asked[answer["id"]] = (name, question)

        def vote(name: str, base: str, w: int) -> None:
            ids = [i for i, (replica, _) in asked.items() if replica == name]
            with httpx.Client(base_url=base, timeout=10, verify=NO_CA) as client:
                n = w
                while not stop.is_set():
                    answer_id = ids[n % len(ids)]
                    body = {"answer_id": answer_id, "verdict": "helpful"}
                    try:
                        r = client.post("/feedback", json=body)
                    except httpx.HTTPError:
                        return  # the replica is gone
                    if r.status_code == 200:
                        feedback_id = r.json()["feedback_id"]
                        acknowledged[name].append((feedback_id, asked[answer_id][1]))
                    else:
                        refused.append(r.status_code)
                    n += 1

        writers = [threading.Thread(target=vote, args=(name, base, w))
                   for name, base in (("a", a), ("b", b)) for w in range(WRITERS)]  # fmt: skip
        for t in writers:
            t.start()

        def until(done: int, name: str) -> None:
            deadline = time.monotonic() + 60
            while len(acknowledged[name]) < done:
                assert time.monotonic() < deadline, f"replica {name} stored too few verdicts"
                time.sleep(0.001)

        until(40, "a")
        until(40, "b")
        os.kill(proc_a.pid, signal.SIGKILL)  # mid-stream: a's writes may be in flight
        after_kill = len(acknowledged["b"])
        until(after_kill + 40, "b")  # b goes on alone
        stop.set()
        for t in writers:
            t.join(timeout=30)
    assert refused == []
    stored = dict(query(postgres_url, "SELECT id, question FROM feedback"))
    every = acknowledged["a"] + acknowledged["b"]
    assert len({i for i, _ in every}) == len(every)  # ids are the shared table's: never twice
    assert [(i, q) for i, q in every if stored.get(i) != q] == []  # every acknowledged verdict
    # Stored but never acknowledged: only what was in flight on the killed replica.
    assert len(stored) - len(every) <= WRITERS

    out = tmp_path / "export"
    done = subprocess.run(
        [*CLI, "feedback", "export", "--out", str(out), "--json"], cwd=ROOT,
        capture_output=True, text=True,
        env={**os.environ, **env_for(fake_index), "GUIDE_RAG_FEEDBACK_URL": postgres_url},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["helpful"] == len(stored)
    exported = [
        json.loads(line) for line in (out / "feedback_train.jsonl").read_text().splitlines()
    ]
    assert len(exported) == len(stored)
    by_question = Counter(row["question"] for row in exported)
    wanted = Counter(q for _, q in every)
    assert [q for q, n in wanted.items() if by_question[q] < n] == []


class Hanging:
    """A TCP server that accepts and never answers: a database that hangs (not one that is down,
    which refuses at once)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)  # the accept loop looks at `closing` between waits
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.held.append(conn)

    def close(self) -> None:
        """Gone: what was held gets an EOF, what comes next is refused."""
        self.closing.set()
        self.thread.join()
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.server
def test_a_hanging_database_never_holds_the_threads_that_answer(
    fake_index: Settings, tmp_path: Path
) -> None:
    hanging = Hanging()
    url = f"postgresql://nobody@127.0.0.1:{hanging.port}/feedback?connect_timeout=120"
    env = {**env_for(fake_index), "GUIDE_RAG_FEEDBACK_URL": url,
           "GUIDE_RAG_WORKER_THREADS": "2", "GUIDE_RAG_FEEDBACK_THREADS": "2"}  # fmt: skip
    try:
        with (
            live_server_process(env, tmp_path / "server.log") as (base, _),
            ThreadPoolExecutor(4) as pool,
        ):
            answer = httpx.post(
                f"{base}/ask", json={"question": QUESTION.format(name="x", n=0)}, verify=NO_CA
            )
            vote = {"answer_id": answer.json()["id"], "verdict": "helpful"}
            pending: list[Future[httpx.Response]] = [
                pool.submit(httpx.post, f"{base}/feedback", json=vote, timeout=180)
                for _ in range(4)  # twice the store's threads, and the worker threads
            ]
            deadline = time.monotonic() + 60
            while len(hanging.held) < 2:  # the store's threads are stuck connecting
                assert time.monotonic() < deadline, "feedback never reached the database"
                time.sleep(0.01)
            asked = httpx.post(f"{base}/ask", json={"question": QUESTION.format(name="y", n=1)},
                               timeout=60, verify=NO_CA)  # fmt: skip
            assert asked.status_code == 200
            assert not any(f.done() for f in pending)  # answered while every verdict hung
            hanging.close()  # the database goes away: the verdicts fail cleanly
            statuses = [f.result().status_code for f in pending]
            assert statuses == [503] * 4
            errors = {f.result().json()["error"] for f in pending}
            assert errors == {"feedback_unavailable"}
    finally:
        hanging.close()
