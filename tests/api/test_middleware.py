"""Request ids, JSON request logs, metrics and limits (body size, concurrency, CORS)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from api import errors
from api.app import create_app
from api.middleware import Gate, Metrics, ServiceMiddleware
from config.settings import Settings
from retriever.qa import QA


@pytest.fixture(scope="module")
def client(fake_index: Settings, fake_qa: QA) -> Iterator[TestClient]:
    with TestClient(create_app(fake_index, qa=fake_qa)) as client:
        yield client


def test_request_id_is_honoured_or_made(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health").headers["x-request-id"]
    assert len(made) == 32
    hostile = client.get("/health", headers={"X-Request-ID": "bad id\r\nx"})
    assert hostile.headers["x-request-id"] != "bad id\r\nx"


def test_one_json_log_line_per_request_without_the_question(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "How much do entry-level AI engineers earn? Asking for my cousin Quill-7f3."
    with caplog.at_level(logging.INFO, logger="guide_rag.access"):
        client.post("/ask", json={"question": secret}, headers={"X-Request-ID": "req-1"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "guide_rag.access"]
    assert len(lines) == 1
    line = lines[0]
    assert (line["request_id"], line["route"], line["status"]) == ("req-1", "/ask", 200)
    assert line["abstained"] is False and line["social"] is False and line["ms"] > 0
    assert "Quill-7f3" not in caplog.text


def test_metrics(client: TestClient) -> None:
    client.post("/ask", json={"question": "zyzzyva quokka marmalade?"})
    client.get("/nope")
    text = client.get("/metrics").text
    assert 'guide_rag_requests_total{method="POST",route="/ask",status="200"}' in text
    assert 'route="(unmatched)",status="404"' in text
    assert "guide_rag_request_seconds_bucket" in text
    abstained = re.search(r"^guide_rag_abstentions_total (\S+)$", text, re.MULTILINE)
    assert abstained and float(abstained.group(1)) >= 1.0  # the unknown words above
    assert "guide_rag_index_chunks 59.0" in text
    assert "guide_rag_index_built_timestamp_seconds" in text


def _counter(client: TestClient, name: str) -> float:
    found = re.search(rf"^{name}_total (\S+)$", client.get("/metrics").text, re.MULTILINE)
    assert found
    return float(found.group(1))


def test_a_social_turn_is_counted_apart_from_abstentions(client: TestClient) -> None:
    # Abstentions show where the guides lack an answer; "thanks!" is not such a gap.
    before = _counter(client, "guide_rag_abstentions"), _counter(client, "guide_rag_social_replies")
    client.post("/ask", json={"question": "thanks!"})
    client.post("/ask", json={"question": "zyzzyva quokka marmalade?"})
    after = _counter(client, "guide_rag_abstentions"), _counter(client, "guide_rag_social_replies")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_body_over_the_cap_is_413(client: TestClient) -> None:
    big = json.dumps({"question": "x" * 20_000})
    sized = client.post("/ask", content=big, headers={"content-type": "application/json"})
    assert sized.status_code == 413 and sized.json()["error"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap must still hold
        yield big.encode()

    streamed = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_cors_is_off_unless_configured(fake_index: Settings, fake_qa: QA) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    with TestClient(create_app(fake_index, qa=fake_qa)) as plain:
        assert "access-control-allow-origin" not in plain.get("/health", headers=origin).headers
    allowed = fake_index.override(cors_origins=["https://elsewhere.example"])
    with TestClient(create_app(allowed, qa=fake_qa)) as cors:
        headers = cors.get("/health", headers=origin).headers
        assert headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_overload_answers_503_at_once_and_probes_still_work() -> None:
    release = asyncio.Event()

    async def slow_app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    app = ServiceMiddleware(
        slow_app, gate=Gate(Metrics(), 2), max_body_bytes=1024, shape=errors.ours, body_hint="-"
    )

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            busy = [asyncio.create_task(client.get("/ask")) for _ in range(2)]
            await asyncio.sleep(0.05)
            over = await client.get("/search")
            probe_task = asyncio.create_task(client.get("/health"))
            await asyncio.sleep(0.05)
            release.set()
            done = [r.status_code for r in await asyncio.gather(*busy)]
            probe = await probe_task
            return [over.status_code, int(over.headers["retry-after"]), probe.status_code, *done]

    assert asyncio.run(scenario()) == [503, 1, 200, 200, 200]
