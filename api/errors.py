"""The one place errors become HTTP responses: one table from error to status and code, and the
shapes a body takes (ours, OpenAI's on the /v1 app, a JSON-RPC error at /mcp).

Routes and middleware raise (or hand over) domain errors; nothing else builds an error body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from feedback.store import FeedbackFullError, FeedbackUnavailableError
from retriever.errors import (
    GuideRagError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    InvalidQueryError,
    ModelLoadError,
)

if TYPE_CHECKING:  # FastAPI only where an app is built: `guide-rag mcp` (stdio) needs none
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError

log = logging.getLogger("guide_rag.api")


class NotReadyError(GuideRagError):
    """The service is still loading its index and model, or could not load them."""


class OverloadedError(GuideRagError):
    """More requests in flight than the server takes."""


class PayloadTooLargeError(GuideRagError):
    """A request body over its route's cap."""


class InvalidBodyError(InvalidQueryError):
    """A body that is not UTF-8 JSON (the field is `body`)."""

    def __init__(self, reason: str) -> None:
        GuideRagError.__init__(self, f"body {reason}")
        self.field = "body"
        self.reason = reason


class BadRequestLineError(GuideRagError):
    """A request the HTTP parser cannot read."""


class UriTooLongError(BadRequestLineError):
    """A request line over the server's limit."""


class HeadersTooLargeError(BadRequestLineError):
    """Request headers over the server's limit."""


class RateLimitedError(GuideRagError):
    """More feedback than the rate allows."""


class UnknownAnswerError(GuideRagError):
    """Feedback on an answer this server did not give recently."""


class AdminOffError(GuideRagError):
    """Admin routes are off: no GUIDE_RAG_ADMIN_TOKEN."""


class UnauthorizedError(GuideRagError):
    """A missing or wrong bearer token."""


class InvalidApiKeyError(UnauthorizedError):
    """/v1 or /mcp without GUIDE_RAG_API_KEY as its bearer token."""


class UnknownModelError(InvalidQueryError):
    """An OpenAI request for a model this server does not serve (the field is `model`)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    retry_after: int | None = None


# Most specific first: the first class an error is an instance of decides.
TABLE: dict[type[GuideRagError], Refusal] = {
    UnknownModelError: Refusal(404, "model_not_found"),
    InvalidBodyError: Refusal(400, "invalid_body"),
    InvalidQueryError: Refusal(422, "invalid_request"),
    IndexNotFoundError: Refusal(503, "index_not_ready", 5),
    IndexCorruptError: Refusal(503, "index_not_ready", 5),
    IndexMismatchError: Refusal(503, "index_not_ready", 5),
    ModelLoadError: Refusal(503, "model_not_ready", 5),
    NotReadyError: Refusal(503, "not_ready", 2),
    OverloadedError: Refusal(503, "overloaded", 1),
    PayloadTooLargeError: Refusal(413, "payload_too_large"),
    UriTooLongError: Refusal(414, "uri_too_long"),
    HeadersTooLargeError: Refusal(431, "headers_too_large"),
    BadRequestLineError: Refusal(400, "bad_request"),
    RateLimitedError: Refusal(429, "rate_limited", 1),
    UnknownAnswerError: Refusal(404, "unknown_answer"),
    AdminOffError: Refusal(404, "not_found"),
    InvalidApiKeyError: Refusal(401, "invalid_api_key"),
    UnauthorizedError: Refusal(401, "unauthorized"),
    FeedbackFullError: Refusal(507, "feedback_full"),
    FeedbackUnavailableError: Refusal(503, "feedback_unavailable", 5),
}
INTERNAL = Refusal(500, "internal_error")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    reason: str


def refusal_of(exc: GuideRagError) -> Refusal:
    return next((r for cls, r in TABLE.items() if isinstance(exc, cls)), INTERNAL)


def problems_of(exc: GuideRagError) -> list[FieldProblem]:
    return [FieldProblem(exc.field, exc.reason)] if isinstance(exc, InvalidQueryError) else []


Body = tuple[int, dict[str, Any]]  # status, JSON body
Shape = Callable[[Refusal, str, Sequence[FieldProblem]], Body]


def ours(refusal: Refusal, message: str, problems: Sequence[FieldProblem]) -> Body:
    """{error, message, errors: [{field, reason}]}."""
    errors = [{"field": p.field, "reason": p.reason} for p in problems]
    return refusal.status, {"error": refusal.code, "message": message, "errors": errors}


def openai(refusal: Refusal, message: str, problems: Sequence[FieldProblem]) -> Body:
    """OpenAI's {error: {message, type, param, code}}; its clients expect 400 where we say 422."""
    status = 400 if refusal.status == 422 else refusal.status
    if status == 429:
        kind = "rate_limit_error"
    elif status == 401:
        kind = "authentication_error"
    else:
        kind = "invalid_request_error" if status < 500 else "server_error"
    param = problems[0].field if problems else None
    body = {"message": message, "type": kind, "param": param, "code": refusal.code}
    return status, {"error": body}


def jsonrpc(refusal: Refusal, message: str, problems: Sequence[FieldProblem]) -> Body:
    """A JSON-RPC error, the body MCP clients read at any status and show their user (else they
    say only "Server returned an error response")."""
    code = -32600 if refusal.status < 500 else -32603  # JSON-RPC's invalid request, internal
    errors = [{"field": p.field, "reason": p.reason} for p in problems]
    data = {"status": refusal.status, "error": refusal.code, "errors": errors}
    error = {"code": code, "message": message, "data": data}
    return refusal.status, {"jsonrpc": "2.0", "id": None, "error": error}


def response(
    shape: Shape, refusal: Refusal, message: str, problems: Sequence[FieldProblem] = ()
) -> JSONResponse:
    status, body = shape(refusal, message, problems)
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return JSONResponse(body, status_code=status, headers=headers)


def domain_response(shape: Shape, exc: GuideRagError) -> JSONResponse:
    return response(shape, refusal_of(exc), str(exc), problems_of(exc))


def _field(err: dict[str, Any]) -> str:
    if err.get("type") == "json_invalid":
        return "body"  # its loc holds a character position, not a field
    loc = err.get("loc", ())
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _reason(err: dict[str, Any]) -> str:
    if err.get("type") == "json_invalid":
        return f"malformed JSON: {err.get('ctx', {}).get('error', 'cannot parse')}"
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ")


def install(app: FastAPI, shape: Shape) -> None:
    """Every error of `app` answered in `shape`: domain errors by the table, invalid requests
    as 422 naming each field, unknown routes as 404, anything else as a logged 500."""
    from fastapi.exceptions import RequestValidationError

    async def domain(request: Request, exc: GuideRagError) -> JSONResponse:
        return domain_response(shape, exc)

    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [FieldProblem(_field(e), _reason(e)) for e in exc.errors()]
        message = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        return response(shape, TABLE[InvalidQueryError], message, problems)

    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"no route {request.method} {request.url.path}; see /docs"
        return response(shape, Refusal(exc.status_code, code), message)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged in full for the operator; the client never sees a trace.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return response(shape, INTERNAL, "internal error; the server log has details")

    app.add_exception_handler(GuideRagError, domain)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)
