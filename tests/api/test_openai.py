"""The OpenAI-compatible API, used by the official `openai` client against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from config.settings import Settings
from tests.helpers import NO_CA, env_for, live_server, openai_client

pytestmark = pytest.mark.server
SALARY = "$90,000 to $130,000"
# The server serves the fake model's index: it matches words, so questions use the guide's own.
ASK_SALARY = "What salary do entry level AI engineers typically start at?"


KEY = "sk-local"
AUTH = {"Authorization": f"Bearer {KEY}"}


# One server with an API key, as a shared deployment runs it: the key test needs no server of
# its own (each start is seconds of the fast suite), and every other test sends the key.
@pytest.fixture(scope="module")
def base(fake_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("openai")
    env = {**env_for(fake_index), "GUIDE_RAG_API_KEY": KEY,
           "GUIDE_RAG_FEEDBACK_DB": str(tmp / "feedback.sqlite3")}  # fmt: skip
    with live_server(env, tmp / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[openai.OpenAI]:
    with openai_client(base, KEY) as client:
        yield client


def test_models_lists_guide_rag(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["guide-rag"]


def test_a_cited_answer_as_the_assistant_message(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(
        model="guide-rag",
        messages=[
            {"role": "system", "content": "You are helpful."},  # read, and ignored
            {"role": "user", "content": ASK_SALARY},
        ],
        temperature=0.3,  # accepted and ignored, as documented
        max_tokens=50,
    )
    message = response.choices[0].message
    assert response.model == "guide-rag" and response.choices[0].finish_reason == "stop"
    assert message.role == "assistant" and SALARY in (message.content or "")
    assert "[1]" in (message.content or "") and "\n\nSources:\n[1] Career growth" in (
        message.content or ""
    )
    citations = (response.model_extra or {})["citations"]
    assert citations[0]["n"] == 1 and SALARY in citations[0]["text"]
    assert response.usage is not None and response.usage.completion_tokens > 0


def test_streaming_gives_the_same_text_in_chunks(client: openai.OpenAI) -> None:
    question = [{"role": "user", "content": "Which tools do ML engineers use?"}]
    whole = client.chat.completions.create(model="guide-rag", messages=question)  # type: ignore[arg-type]
    stream = client.chat.completions.create(model="guide-rag", messages=question, stream=True)  # type: ignore[arg-type]
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and text == whole.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    last = chunks[-1].model_extra or {}
    assert last["citations"] and (last["abstained"], last["social"]) == (False, False)
    assert all(c.usage is None for c in chunks)  # no usage chunk unless asked for


def test_include_usage_ends_the_stream_with_a_usage_chunk(client: openai.OpenAI) -> None:
    question = [{"role": "user", "content": "Which tools do ML engineers use?"}]
    whole = client.chat.completions.create(model="guide-rag", messages=question)  # type: ignore[arg-type]
    stream = client.chat.completions.create(
        model="guide-rag",
        messages=question,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)  # up to, not including, data: [DONE]
    *answer, last = chunks
    assert last.choices == [] and last.usage == whole.usage
    assert last.usage is not None and last.usage.total_tokens > last.usage.completion_tokens > 0
    assert all(c.choices and c.usage is None for c in answer)
    assert answer[-1].choices[0].finish_reason == "stop"
    text = "".join(c.choices[0].delta.content or "" for c in answer)
    assert text == whole.choices[0].message.content


def test_the_fields_clients_send_are_accepted_and_ignored(client: openai.OpenAI) -> None:
    question = [{"role": "user", "content": ASK_SALARY}]
    plain = client.chat.completions.create(model="guide-rag", messages=question)  # type: ignore[arg-type]
    tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    fields: dict[str, Any] = {
        "user": "reader-7", "temperature": 0.2, "top_p": 0.9, "max_tokens": 64,
        "max_completion_tokens": 64, "n": 1, "presence_penalty": 0.5, "frequency_penalty": 0.5,
        "seed": 7, "stop": ["\n\n", "END"], "tools": [tool], "tool_choice": "auto",
        "response_format": {"type": "text"}, "logprobs": False, "metadata": {"team": "docs"},
        "store": False, "parallel_tool_calls": False, "stream_options": {"include_usage": False},
    }  # fmt: skip
    dressed = client.chat.completions.create(model="guide-rag", messages=question, **fields)  # type: ignore[arg-type]
    assert dressed.choices[0].message.content == plain.choices[0].message.content
    assert len(dressed.choices) == 1 and SALARY in (dressed.choices[0].message.content or "")
    streamed = list(
        client.chat.completions.create(
            model="guide-rag",
            messages=question,  # type: ignore[arg-type]
            stream=True,
            **fields,
        )
    )
    assert all(c.choices and c.usage is None for c in streamed)  # include_usage false: none
    text = "".join(c.choices[0].delta.content or "" for c in streamed)
    assert text == plain.choices[0].message.content


def test_more_than_one_answer_is_refused_naming_n(client: openai.OpenAI, base: str) -> None:
    with pytest.raises(openai.BadRequestError) as two:
        client.chat.completions.create(
            model="guide-rag", messages=[{"role": "user", "content": ASK_SALARY}], n=2
        )
    assert two.value.param == "n" and two.value.type == "invalid_request_error"
    assert "one answer" in two.value.message
    zero = {"model": "guide-rag", "messages": [{"role": "user", "content": ASK_SALARY}], "n": 0}
    raw = httpx.post(f"{base}/v1/chat/completions", json=zero, headers=AUTH, verify=NO_CA)
    assert raw.status_code == 400 and raw.json()["error"]["param"] == "n"


def test_follow_up_uses_the_earlier_question(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(
        model="guide-rag",
        messages=[
            {"role": "user", "content": ASK_SALARY},
            {"role": "assistant", "content": "(the earlier answer)"},
            {"role": "user", "content": "and ML engineers?"},
        ],
    )
    assert "ML engineers see similar ranges" in (response.choices[0].message.content or "")
    assert (response.model_extra or {})["read_with"] == [ASK_SALARY]


def test_a_long_conversation_is_read_with_its_last_20_user_turns(client: openai.OpenAI) -> None:
    earlier = [f"Earlier question number {i}?" for i in range(28)] + [ASK_SALARY]
    messages: list[dict[str, str]] = []
    for question in earlier:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
    messages.append({"role": "user", "content": "and ML engineers?"})
    response = client.chat.completions.create(model="guide-rag", messages=messages)  # type: ignore[arg-type]
    # 29 earlier user turns; the QA refuses more than 20, so only the last 20 were sent.
    assert "ML engineers see similar ranges" in (response.choices[0].message.content or "")
    assert (response.model_extra or {})["read_with"] == [ASK_SALARY]


def test_an_abstention_is_a_plain_assistant_message(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(
        model="guide-rag", messages=[{"role": "user", "content": "zyzzyva quokka marmalade?"}]
    )
    assert "does not cover" in (response.choices[0].message.content or "")
    extra = response.model_extra or {}
    assert (extra["citations"], extra["abstained"], extra["social"]) == ([], True, False)
    thanks = client.chat.completions.create(
        model="guide-rag", messages=[{"role": "user", "content": "thanks!"}]
    )
    assert (thanks.model_extra or {})["social"] is True


def test_errors_come_in_openai_shape(client: openai.OpenAI, base: str) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="guide-rag", messages=[])
    with pytest.raises(openai.BadRequestError) as no_user:
        client.chat.completions.create(
            model="guide-rag", messages=[{"role": "system", "content": "only a system prompt"}]
        )
    assert "user message" in str(no_user.value)
    for body in (b"{not json", b'{"model": "guide-rag", "messages": "hi"}', b"[]"):
        headers = {"content-type": "application/json", **AUTH}
        raw = httpx.post(f"{base}/v1/chat/completions", content=body, headers=headers, verify=NO_CA)
        assert raw.status_code == 400 and set(raw.json()["error"]) == {
            "message",
            "type",
            "param",
            "code",
        }


def test_an_api_key_guards_v1_when_set(client: openai.OpenAI, base: str) -> None:
    with openai_client(base, "sk-wrong") as wrong, pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    assert [m.id for m in client.models.list()] == ["guide-rag"]
    # The key guards /v1/* only.
    assert httpx.get(f"{base}/health", verify=NO_CA).status_code == 200
