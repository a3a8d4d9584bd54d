"""The HTTP contract through Starlette's TestClient, over an index made with the fake model."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from config.settings import Settings
from retriever.qa import QA
from tests.helpers import fake_settings_for

CAREER = "Career growth opportunities and market demand in AI and ML fields"
# The fake model matches words, not meaning: questions here use the guide's own words.
SALARY = "What salary do entry level AI engineers typically start at?"


@pytest.fixture(scope="module")
def client(fake_index: Settings, fake_qa: QA) -> Iterator[TestClient]:
    with TestClient(create_app(fake_index, qa=fake_qa)) as client:
        yield client


def test_ask_contract(client: TestClient) -> None:
    response = client.post("/ask", json={"question": SALARY})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "answer", "abstained", "social", "citations", "read_with", "took_ms"}
    assert "$90,000 to $130,000" in body["answer"] and body["abstained"] is False
    assert body["social"] is False
    assert body["took_ms"] > 0
    first = body["citations"][0]
    assert set(first) == {"n", "document", "section", "chunk_id", "score", "text"}
    assert first["n"] == 1 and first["section"] == CAREER
    assert first["document"] == "ai-vs-ml-engineering-career-guide"
    assert "[1]" in body["answer"]


def test_a_greeting_is_marked_social_and_cites_nothing(client: TestClient) -> None:
    body = client.post("/ask", json={"question": "hello!"}).json()
    assert (body["social"], body["abstained"], body["citations"]) == (True, True, [])
    assert body["answer"].startswith("Hello!")
    question = client.post("/ask", json={"question": "hello, " + SALARY}).json()
    assert (question["social"], question["abstained"]) == (False, False)


def test_ask_respects_top_k(client: TestClient) -> None:
    # An answer that cites several passages at top_k=5 cites only the first of them at top_k=1.
    questions = [
        "What do AI engineers do?",
        "Do AI and ML engineers need the same skills?",
        "What should I learn to become an ML engineer?",
        "Is AI engineering or ML engineering better for me?",
        "What do ML engineers spend their time on?",
    ]
    checked = 0
    for question in questions:
        wide = client.post("/ask", json={"question": question, "top_k": 5}).json()["citations"]
        if len(wide) < 2:
            continue
        narrow = client.post("/ask", json={"question": question, "top_k": 1}).json()["citations"]
        assert [c["chunk_id"] for c in narrow] == [wide[0]["chunk_id"]]
        checked += 1
    assert checked >= 1, "no question cited several passages at top_k=5"


def test_a_follow_up_is_read_with_its_history(client: TestClient) -> None:
    alone = client.post("/ask", json={"question": "and ML engineers?"}).json()
    followed = client.post(
        "/ask",
        json={"question": "and ML engineers?", "history": [SALARY]},
    ).json()
    assert "ML engineers see similar ranges" in followed["answer"]
    assert followed["read_with"] == [SALARY] and alone["read_with"] == []
    assert "ML engineers see similar ranges" not in alone["answer"]
    too_many = client.post("/ask", json={"question": "ok", "history": ["q"] * 21})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "history"


def test_an_abstention_has_no_citations(client: TestClient) -> None:
    # Words the guide never uses: under the fake model, every cosine is 0 (abstention's quality
    # is tested with the real model, tests/retriever/test_qa.py).
    body = client.post("/ask", json={"question": "zyzzyva quokka marmalade?"}).json()
    assert body["abstained"] is True and body["citations"] == []
    assert "does not cover" in body["answer"]


def test_search_contract(client: TestClient) -> None:
    query = "salary ranges by location and experience"
    response = client.get("/search", params={"q": query, "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == query
    assert [h["rank"] for h in body["hits"]] == [1, 2, 3]
    assert set(body["hits"][0]) == {"rank", "document", "section", "chunk_id", "score", "text"}
    assert body["hits"][0]["section"] == CAREER
    # Ranked by fusion; each score is the passage's cosine to the question.
    assert all(-1 <= h["score"] <= 1 for h in body["hits"])


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["model"] == "fake-embedder" and body["documents"] == 1
    assert body["chunks"] > 40 and body["index_built_at"].startswith("20")
    # Which abstention threshold is in force, and where it came from (here: ingest's calibration).
    # Which abstention rule is in force, and where it came from: the fake model has no judge,
    # so the measured fallback on the best cosine.
    assert body["abstention"] == "cosine" and 0 < body["abstain_below"] < 1
    assert body["abstention_source"].startswith("fallback")


def test_openapi_has_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/ask", "/search", "/health", "/ready"} <= set(schema["paths"])
    ask_schema = schema["components"]["schemas"]["AskRequest"]
    assert ask_schema["examples"][0]["question"]
    assert client.get("/docs").status_code == 200


def errors_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert body["error"] == "invalid_request" and body["message"]
    assert "Traceback" not in response.text
    return {e["field"]: e["reason"] for e in body["errors"]}


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"question": ""}, "question", "at least 1 character"),
        ({"question": "   \n\t"}, "question", "empty or only whitespace"),
        ({"question": "x" * 1001}, "question", "at most 1000 characters"),
        ({}, "question", "Field required"),
        ({"question": 42}, "question", "valid string"),
        ({"question": None}, "question", "valid string"),
        ({"question": "ok", "top_k": 0}, "top_k", "greater than or equal to 1"),
        ({"question": "ok", "top_k": 21}, "top_k", "less than or equal to 20"),
        ({"question": "ok", "top_k": "5"}, "top_k", "valid integer"),
        ({"question": "ok", "top_k": 2.5}, "top_k", "valid integer"),
        ({"question": "ok", "top_k": True}, "top_k", "valid integer"),
        ({"question": "ok", "topk": 3}, "topk", "Extra inputs are not permitted"),
        (["question"], "body", "valid dictionary"),
    ],
)
def test_ask_bad_input_is_422_naming_the_field(
    client: TestClient, payload: Any, field: str, reason: str
) -> None:
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    assert reason in errors_of(response)[field]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b'{"question": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    reasons = errors_of(response)
    assert any("malformed JSON" in r for r in reasons.values())


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({}, "q", "Field required"),
        ({"q": ""}, "q", "at least 1 character"),
        ({"q": "   "}, "q", "empty or only whitespace"),
        ({"q": "y" * 1001}, "q", "at most 1000 characters"),
        ({"q": "ok", "k": 0}, "k", "greater than or equal to 1"),
        ({"q": "ok", "k": 21}, "k", "less than or equal to 20"),
        ({"q": "ok", "k": "many"}, "k", "valid integer"),
    ],
)
def test_search_bad_input_is_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str, reason: str
) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 422
    assert reason in errors_of(response)[field]


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.get("/ask")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_not_ready_until_loaded(tmp_path: Path) -> None:
    settings = fake_settings_for(tmp_path, index_dir=tmp_path / "empty")
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        app.state.service.loaded.wait(timeout=60)
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert (
            "no index at" in ready.json()["message"]
            and "guide-rag ingest" in ready.json()["message"]
        )
        ask = client.post("/ask", json={"question": "anything"})
        assert ask.status_code == 503 and ask.json()["error"] == "index_not_ready"
    # Before the lifespan has run (nothing loaded yet), /ready says it is loading.
    fresh = TestClient(create_app(settings))
    loading = fresh.get("/ready")
    assert loading.status_code == 503 and "loading" in loading.json()["message"]


def test_a_failed_first_load_recovers_once_an_index_is_published(
    tmp_path: Path, fake_index: Settings
) -> None:
    index = tmp_path / "index"
    app = create_app(fake_settings_for(tmp_path, index_dir=index, reload_seconds=0.1))
    with TestClient(app) as client:
        app.state.service.loaded.wait(timeout=60)
        assert client.get("/ready").status_code == 503
        shutil.copytree(fake_index.paths.index, index)  # as `guide-rag ingest` would publish
        deadline = time.monotonic() + 60
        while client.get("/ready").status_code != 200:
            assert time.monotonic() < deadline, "the server never picked up the new index"
            time.sleep(0.1)
        answer = client.post("/ask", json={"question": "What do ML engineers earn?"})
        assert answer.status_code == 200 and not answer.json()["abstained"]
