"""POST /feedback: verdicts on recent answers, stored append-only, bounded, kill-safe; the
storage tests run on both stores (SQLite, and the PostgreSQL that replicas share)."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from config.settings import Settings
from retriever.qa import QA
from tests.helpers import NO_CA, FeedbackTarget, env_for, free_port, live_server_process

# The fake model matches words: the question uses the guide's own.
QUESTION = "What salary do entry level AI engineers typically start at? (feedback test)"


def rows(target: FeedbackTarget) -> list[tuple[str, str, str, int | None]]:
    store = target.open()
    try:
        return [(v.answer_id, v.verdict, v.question, v.chosen) for v in store.rows()]
    finally:
        store.close()


@pytest.fixture
def app_for(fake_index: Settings, fake_qa: QA, feedback_target: FeedbackTarget):  # type: ignore[no-untyped-def]
    def make(**changes: object) -> TestClient:
        settings = fake_index.override(**{**feedback_target.flat, **changes})
        return TestClient(create_app(settings, qa=fake_qa))

    return make


def test_a_verdict_on_an_answer_is_stored_with_its_question(  # type: ignore[no-untyped-def]
    app_for, feedback_target: FeedbackTarget
) -> None:
    with app_for() as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
        assert answer["id"].startswith("ans_")
        stored = client.post("/feedback", json={"answer_id": answer["id"], "verdict": "helpful",
                                                "citation": 1})  # fmt: skip
        assert stored.status_code == 200 and stored.json()["stored"] is True
        other = client.post("/ask", json={"question": "Which tools do ML engineers use?"}).json()
        client.post("/feedback", json={"answer_id": other["id"], "verdict": "not_helpful"})
    assert rows(feedback_target) == [
        (answer["id"], "helpful", QUESTION, 1),
        (other["id"], "not_helpful", "Which tools do ML engineers use?", None),
    ]


def test_bad_verdicts_are_refused_naming_the_reason(app_for) -> None:  # type: ignore[no-untyped-def]
    with app_for() as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
        unknown = client.post("/feedback", json={"answer_id": "ans_nope", "verdict": "helpful"})
        assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_answer"
        wrong_n = client.post("/feedback", json={"answer_id": answer["id"], "verdict": "helpful",
                                                 "citation": 9})  # fmt: skip
        assert wrong_n.status_code == 422 and wrong_n.json()["errors"][0]["field"] == "citation"
        verdict = client.post("/feedback", json={"answer_id": answer["id"], "verdict": "meh"})
        assert verdict.status_code == 422 and verdict.json()["errors"][0]["field"] == "verdict"


def test_the_store_and_the_rate_are_bounded(app_for) -> None:  # type: ignore[no-untyped-def]
    with app_for(feedback_max_rows=1) as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
        vote = {"answer_id": answer["id"], "verdict": "helpful"}
        assert client.post("/feedback", json=vote).status_code == 200
        full = client.post("/feedback", json=vote)
        assert full.status_code == 507 and "GUIDE_RAG_FEEDBACK_MAX_ROWS" in full.json()["message"]
    with app_for(feedback_per_second=1.0) as client:
        answer = client.post("/ask", json={"question": QUESTION}).json()
        vote = {"answer_id": answer["id"], "verdict": "helpful"}
        statuses = [client.post("/feedback", json=vote).status_code for _ in range(5)]
        assert statuses[:2] == [200, 200] and 429 in statuses
    with app_for() as client:
        too_big = client.post("/feedback", content=b'{"answer_id": "' + b"x" * 20_000 + b'"}',
                              headers={"content-type": "application/json"})  # fmt: skip
        assert too_big.status_code == 413


def test_a_database_that_is_down_is_a_503_and_answers_go_on(
    fake_index: Settings, fake_qa: QA
) -> None:
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/feedback"  # refused: nothing listens
    with TestClient(create_app(fake_index.override(feedback_url=url), qa=fake_qa)) as client:
        answer = client.post("/ask", json={"question": QUESTION})
        assert answer.status_code == 200
        down = client.post("/feedback", json={"answer_id": answer.json()["id"],
                                              "verdict": "helpful"})  # fmt: skip
        assert down.status_code == 503 and down.headers["retry-after"] == "5"
        assert down.json() == {
            "error": "feedback_unavailable",
            "message": "the feedback database is unavailable; retry in a few seconds",
            "errors": [],
        }
        assert client.post("/ask", json={"question": QUESTION}).status_code == 200


@pytest.fixture
def served(
    fake_index: Settings, feedback_target: FeedbackTarget, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    env = {**env_for(fake_index), **feedback_target.env}
    with live_server_process(env, tmp_path / "server.log") as (base, proc):
        yield base, proc.pid


@pytest.mark.server
def test_sigkill_while_writing_loses_no_acknowledged_verdict(
    served: tuple[str, int], feedback_target: FeedbackTarget
) -> None:
    base, pid = served
    with httpx.Client(base_url=base, verify=NO_CA) as client:
        ids = [client.post("/ask", json={"question": f"{QUESTION} #{n}"}).json()["id"]
               for n in range(5)]  # fmt: skip
    acknowledged: list[str] = []
    stop = threading.Event()

    def vote() -> None:
        with httpx.Client(base_url=base, timeout=5, verify=NO_CA) as client:
            n = 0
            while not stop.is_set():
                try:
                    r = client.post(
                        "/feedback", json={"answer_id": ids[n % 5], "verdict": "helpful"}
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    acknowledged.append(ids[n % 5])
                n += 1

    worker = threading.Thread(target=vote)
    worker.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 30:
        assert time.monotonic() < deadline and worker.is_alive(), "verdicts were not stored"
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)  # mid-stream: a write may be in flight
    stop.set()
    worker.join(timeout=30)
    if feedback_target.kind == "sqlite":
        with sqlite3.connect(feedback_target.db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = rows(feedback_target)
    assert len(stored) >= len(acknowledged) >= 30
