"""Hostile and oversized requests against a real server: each gets a JSON error that names the
problem (and the cap or setting), in the shape of the app it was sent to; long chats go through."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from api.protocol import MAX_HEADER_BYTES, MAX_URL_BYTES
from config.settings import Settings
from tests.helpers import NO_CA, env_for, live_server, openai_client

pytestmark = pytest.mark.server
QUESTIONS = [
    "What salary do entry level AI engineers typically start at?",
    "and ML engineers?",
    "What skills does an AI engineer need?",
    "Which tools do ML engineers use?",
]


@pytest.fixture(scope="module")
def base(fake_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("limits")
    env = {**env_for(fake_index), "GUIDE_RAG_FEEDBACK_DB": str(tmp / "feedback.sqlite3")}
    with live_server(env, tmp / "server.log") as url:
        yield url


def _raw(base: str, request: bytes) -> tuple[int, bytes]:
    """Send bytes no HTTP client would; the status and body of the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower()
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize("path", ["/search?q=salary&", "/v1/models?"])
def test_a_request_line_over_the_limit_is_a_json_414(base: str, path: str) -> None:
    filters = b"documents=" + b"a" * 100 + b"&"
    url = path.encode() + filters * (MAX_URL_BYTES // len(filters) + 1)
    status, body = _raw(base, b"GET " + url + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 414
    message = httpx.Response(200, content=body).json()
    if path.startswith("/v1"):
        assert message["error"]["code"] == "uri_too_long"
        assert str(MAX_URL_BYTES) in message["error"]["message"]
    else:
        assert message["error"] == "uri_too_long" and str(MAX_URL_BYTES) in message["message"]


def test_headers_over_the_limit_are_a_json_431(base: str) -> None:
    big = b"X-Big: " + b"a" * (MAX_HEADER_BYTES + 1) + b"\r\n"
    status, body = _raw(base, b"GET /health HTTP/1.1\r\nHost: t\r\n" + big + b"\r\n")
    assert status == 431
    assert httpx.Response(200, content=body).json()["error"] == "headers_too_large"


def test_garbage_is_a_json_400(base: str) -> None:
    status, body = _raw(base, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert status == 400
    assert httpx.Response(200, content=body).json()["error"] == "bad_request"


def test_invalid_utf8_is_named_with_its_offset_in_both_shapes(base: str) -> None:
    ours = httpx.post(f"{base}/ask", content=b'{"question": "caf\xe9 salary?"}',
                      headers={"content-type": "application/json"}, verify=NO_CA)  # fmt: skip
    assert ours.status_code == 400
    assert ours.json()["message"].startswith("body is not valid UTF-8 JSON")
    assert "offset 17" in ours.json()["message"]  # where the é is
    assert ours.json()["errors"][0]["field"] == "body"
    body = b'{"model": "guide-rag", "messages": [{"role": "user", "content": "caf\xe9"}]}'
    theirs = httpx.post(f"{base}/v1/chat/completions", content=body,
                        headers={"content-type": "application/json"}, verify=NO_CA)  # fmt: skip
    assert theirs.status_code == 400
    error = theirs.json()["error"]
    assert error["message"].startswith("body is not valid UTF-8 JSON")
    assert f"offset {body.index(0xE9)}" in error["message"]
    assert error["param"] == "body" and error["type"] == "invalid_request_error"


def test_a_100_turn_chat_is_answered_every_turn(base: str) -> None:
    # The first 99 turns are the JSON the `openai` client sends, posted as is: the client
    # re-validates the whole growing list on every call (4 s of the test's CPU, none of it the
    # server's). The last turn, the longest body, goes through the client itself.
    messages: list[dict[str, str]] = [{"role": "system", "content": "You are helpful."}]
    with httpx.Client(base_url=f"{base}/v1", timeout=30, verify=NO_CA) as http:
        for turn in range(99):
            messages.append({"role": "user", "content": QUESTIONS[turn % len(QUESTIONS)]})
            reply = http.post(
                "/chat/completions", json={"model": "guide-rag", "messages": messages}
            )
            assert reply.status_code == 200, reply.text
            content = reply.json()["choices"][0]["message"]["content"]
            assert content
            messages.append({"role": "assistant", "content": content})
    messages.append({"role": "user", "content": QUESTIONS[99 % len(QUESTIONS)]})
    with openai_client(base) as client:
        last = client.chat.completions.create(model="guide-rag", messages=messages)  # type: ignore[arg-type]
    assert last.choices[0].message.content
    size = len(httpx.Request("POST", base, json={"model": "guide-rag", "messages": messages})
               .content)  # fmt: skip
    assert size > 16_384  # over /ask's cap: the chat cap is what let it through


def test_a_chat_over_its_cap_names_the_cap_and_what_to_do(base: str) -> None:
    huge = [{"role": "assistant", "content": "x" * 60_000}] * 20 + [
        {"role": "user", "content": "What salary do AI engineers earn?"}
    ]
    r = httpx.post(
        f"{base}/v1/chat/completions", json={"model": "guide-rag", "messages": huge}, verify=NO_CA
    )
    assert r.status_code == 413
    message = r.json()["error"]["message"]
    assert "GUIDE_RAG_MAX_CHAT_BODY_BYTES" in message and "start a new one" in message


def test_ask_keeps_its_small_cap(base: str) -> None:
    r = httpx.post(f"{base}/ask", json={"question": "salary?", "pad": "x" * 20_000}, verify=NO_CA)
    assert r.status_code == 413
    assert "GUIDE_RAG_MAX_BODY_BYTES" in r.json()["message"]
