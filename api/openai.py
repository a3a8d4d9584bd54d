"""An OpenAI-compatible chat API: GET /v1/models and POST /v1/chat/completions.

Any OpenAI client (the `openai` package, LangChain's ChatOpenAI, Open WebUI…) can use the
guide. The last user message is the question, the earlier user messages (up to 20) its history.
The answer is the assistant message: the cited sentences with their [n] markers, then the
sources; the same citations also come as a structured `citations` field, which clients may
ignore. Parameters with no meaning here (temperature, max_tokens, tools, …) are accepted and
ignored; `n` above 1 is refused, since there is one answer; `stream_options.include_usage` adds
OpenAI's final usage chunk to a stream.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.answer_text import message_text
from api.auth import allowed
from api.compute import sole_connection
from api.deps import QADep, ServiceDep
from api.errors import InvalidApiKeyError, UnknownModelError
from api.middleware import note_answer
from api.service import Given
from retriever.errors import InvalidQueryError
from retriever.limits import MAX_HISTORY, MAX_QUESTION_CHARS

MODEL_ID = "guide-rag"
CREATED = 1_764_028_800  # 2025-11-25: when this API appeared, as OpenAI lists its models


def require_key(
    service: ServiceDep,
    authorization: Annotated[str | None, Header(description="Bearer <GUIDE_RAG_API_KEY>")] = None,
) -> None:
    """With GUIDE_RAG_API_KEY set, /v1/* needs it; without, /v1/* is open like the rest."""
    key = service.settings.server.api_key
    if key is not None and not allowed(authorization, key):
        raise InvalidApiKeyError(
            "Incorrect API key provided: send Authorization: Bearer <GUIDE_RAG_API_KEY>."
        )


_ERROR: dict[str, Any] = {
    "description": "OpenAI's error shape: {error: {message, type, param, code}}",
    "content": {"application/json": {"example": {"error": {
        "message": "The model `gpt-4` does not exist", "type": "invalid_request_error",
        "param": "model", "code": "model_not_found"}}}},
}  # fmt: skip
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _ERROR, 401: _ERROR, 404: _ERROR, 413: _ERROR, 503: _ERROR,
}  # fmt: skip
# Mounted at /v1 as its own app (api/app.py), answering errors in OpenAI's shape.
router = APIRouter(tags=["openai"], dependencies=[Depends(require_key)], responses=_ERRORS)


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(p.text or "" for p in self.content if p.type == "text").strip()
        return (self.content or "").strip()


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool | None = None


class ChatRequest(BaseModel):
    # temperature, max_tokens, top_p, seed, stop, tools, user, … are OpenAI's; they mean
    # nothing here and are accepted (extra="allow") so that any client's request goes through.
    model_config = ConfigDict(extra="allow")

    model: str
    # Clients send the whole conversation every turn; the body cap bounds it, and only the last
    # 20 user turns are read.
    messages: Annotated[list[Message], Field(min_length=1, max_length=5000)]
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(default=None, description="How many answers: only 1 is served.")

    @field_validator("n")
    @classmethod
    def _one_answer(cls, value: int | None) -> int | None:
        # Silently returning one choice where n asked for several would break clients that
        # index choices[1]; a 400 naming `n` says why.
        if value is not None and value != 1:
            raise ValueError(f"must be 1: this server gives one answer per request, not {value}")
        return value

    @property
    def include_usage(self) -> bool:
        return (
            self.stream
            and self.stream_options is not None
            and bool(self.stream_options.include_usage)
        )


def _model() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "guide-rag"}


@router.get("/models")
async def models() -> dict[str, Any]:
    """The one model: guide-rag (the guide's cited answers)."""
    return {"object": "list", "data": [_model()]}


@router.get("/models/{model_id}")
async def model(model_id: str) -> dict[str, Any]:
    if model_id != MODEL_ID:
        raise _unknown_model(model_id)
    return _model()


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatRequest, request: Request, qa: QADep, service: ServiceDep
) -> JSONResponse | StreamingResponse:
    """Answer the last user message, reading the earlier user messages (the last 20) as its
    history."""
    if body.model != MODEL_ID:
        raise _unknown_model(body.model)
    asked = [m.text for m in body.messages if m.role == "user" and m.text]
    if not asked:
        raise InvalidQueryError("messages", "needs a user message with text")
    if len(asked[-1]) > MAX_QUESTION_CHARS:
        raise InvalidQueryError(
            "messages", f"the last user message is over {MAX_QUESTION_CHARS} characters"
        )
    history = [q[:MAX_QUESTION_CHARS] for q in asked[:-1][-MAX_HISTORY:]]
    answer = await service.compute.run(
        lambda: qa.ask(asked[-1], history=history), sole=sole_connection(request.scope)
    )
    note_answer(request.state, answer)
    m = qa.build.manifest
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    service.answers.remember(Given(asked[-1], answer, m.build_id, m.model.name), completion_id)
    content = message_text(answer)
    usage = {
        "prompt_tokens": sum(qa.embedder.count_tokens(q) for q in [*history, asked[-1]]),
        "completion_tokens": qa.embedder.count_tokens(content),
    }
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    extra = {  # ours, besides OpenAI's fields: clients may ignore them
        "citations": [c.to_dict() for c in answer.citations],
        "read_with": list(answer.read_with),
        "abstained": answer.abstained,
        "social": answer.social,
    }
    if body.stream:
        return StreamingResponse(
            _stream(completion_id, content, extra, usage if body.include_usage else None),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return JSONResponse({
        "id": completion_id, "object": "chat.completion", "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": usage, **extra,
    })  # fmt: skip


def _stream(
    completion_id: str, content: str, extra: dict[str, Any], usage: dict[str, int] | None
) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format: the role, the text in pieces, then the end
    (with `extra`: the citations, `abstained`, `social`), then [DONE]. With `usage`
    (stream_options.include_usage), as OpenAI does: every chunk says `"usage": null` and a last
    chunk with no choices carries it."""
    created = int(time.time())
    head = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
            "model": MODEL_ID}  # fmt: skip

    def event(payload: dict[str, Any]) -> str:
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    def chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
        choices = [{"index": 0, "delta": delta, "finish_reason": finish}]
        nothing = {"usage": None} if usage is not None else {}
        return event({**head, "choices": choices, **nothing, **more})

    yield chunk({"role": "assistant", "content": ""})
    for piece in _pieces(content):
        yield chunk({"content": piece})
    yield chunk({}, "stop", **extra)
    if usage is not None:
        yield event({**head, "choices": [], "usage": usage})
    yield "data: [DONE]\n\n"


def _pieces(content: str, size: int = 8) -> Iterator[str]:
    """The text in runs of a few words, spaces kept, as a token stream would come."""
    words = content.split(" ")
    for i in range(0, len(words), size):
        yield " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")


def _unknown_model(name: str) -> UnknownModelError:
    return UnknownModelError(
        "model", f"The model `{name}` does not exist; this server serves `{MODEL_ID}`."
    )
