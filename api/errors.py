"""The one place domain errors and invalid requests become HTTP responses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorResponse, FieldError
from retriever.errors import (
    GuideRagError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    InvalidQueryError,
    ModelLoadError,
)

log = logging.getLogger("guide_rag.api")


class NotReadyError(GuideRagError):
    """The service is still loading its index and model, or could not load them."""


_STATUS: dict[type[GuideRagError], tuple[int, str]] = {
    InvalidQueryError: (422, "invalid_request"),
    IndexNotFoundError: (503, "index_not_ready"),
    IndexCorruptError: (503, "index_not_ready"),
    IndexMismatchError: (503, "index_not_ready"),
    ModelLoadError: (503, "model_not_ready"),
    NotReadyError: (503, "not_ready"),
}


def error_response(
    status: int,
    error: str,
    message: str,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=error, message=message, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers or None)


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


class OpenAIError(Exception):
    """An error of the OpenAI-compatible API, answered in OpenAI's error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = (
            status, message, type, param, code,
        )  # fmt: skip


def openai_kind(status: int) -> str:
    """OpenAI's error `type` for an HTTP status."""
    if status == 429:
        return "rate_limit_error"
    return "invalid_request_error" if status < 500 else "server_error"


def openai_body(
    message: str, kind: str, param: str | None = None, code: str | None = None
) -> dict[str, object]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def openai_response(exc: OpenAIError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = openai_body(exc.message, exc.type, exc.param, exc.code)
    return JSONResponse(body, status_code=exc.status, headers=headers or None)


def _respond(
    request: Request,
    status: int,
    error: str,
    message: str,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Our error shape, or OpenAI's on /v1/* (where 422 becomes OpenAI's 400)."""
    if not request.url.path.startswith("/v1/"):
        return error_response(status, error, message, errors, headers)
    param = errors[0].field if errors else None
    refusal = OpenAIError(400 if status == 422 else status, message, openai_kind(status), param,
                          error)  # fmt: skip
    return openai_response(refusal, headers)


async def _openai(request: Request, exc: OpenAIError) -> JSONResponse:
    return openai_response(exc)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [FieldError(field=_field(e), reason=_reason(e)) for e in exc.errors()]
    message = "; ".join(f"{e.field}: {e.reason}" for e in errors)
    return _respond(request, 422, "invalid_request", message, errors)


async def _domain(request: Request, exc: GuideRagError) -> JSONResponse:
    status, code = next(
        (v for cls, v in _STATUS.items() if isinstance(exc, cls)), (500, "internal_error")
    )
    errors = (
        [FieldError(field=exc.field, reason=exc.reason)]
        if isinstance(exc, InvalidQueryError)
        else []
    )
    headers = {"Retry-After": "5"} if status == 503 else {}
    return _respond(request, status, code, str(exc), errors, headers)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = str(exc.detail)
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}; see /docs"
    return _respond(request, exc.status_code, code, message, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Logged in full for the operator; the client never sees a trace.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _respond(request, 500, "internal_error", "internal error; the server log has details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(OpenAIError, _openai)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(GuideRagError, _domain)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
