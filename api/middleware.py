"""One ASGI middleware for what every request needs: an id, a log line, metrics and limits.

Pure ASGI rather than BaseHTTPMiddleware: it adds no task per request and can refuse a request
(413, 503) before the app reads a byte of its body, or one whose body is not UTF-8 (400 naming
the offset: the framework would say only "There was an error parsing the body"). Each mounted
app (ours, /v1, /mcp) has its own instance, with its own body cap and error shape; they share
one `Gate`, so the bound on requests in flight holds for the whole server.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.datastructures import State

from api.errors import (
    InvalidBodyError,
    OverloadedError,
    PayloadTooLargeError,
    Shape,
    domain_response,
)
from retriever.errors import GuideRagError
from retriever.types import Answer

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("guide_rag.access")
# Cheap routes stay outside the concurrency bound: probes must answer under overload.
UNBOUNDED = {"/health", "/ready", "/metrics"}
_WITH_BODY = {"POST", "PUT", "PATCH"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class Metrics:
    """Prometheus metrics of one app (own registry: tests build many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "guide_rag_requests", "HTTP requests.", labels, registry=self.registry
        )
        self.latency = Histogram(
            "guide_rag_request_seconds", "Request latency.", labels, registry=self.registry,
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
        )  # fmt: skip
        self.abstentions = Counter(
            "guide_rag_abstentions", "Questions the guides did not answer.", registry=self.registry
        )
        # Apart from abstentions: "thanks!" is not a gap in the guides, and a chat sends many.
        self.social = Counter(
            "guide_rag_social_replies", "Turns that asked nothing (\"hi\", \"thanks!\").",
            registry=self.registry,
        )  # fmt: skip
        self.rejected = Counter(
            "guide_rag_rejected", "Requests refused by a limit.", ["reason"], registry=self.registry
        )
        self.in_flight = Gauge(
            "guide_rag_in_flight", "Requests being served.", registry=self.registry
        )
        self.index_chunks = Gauge(
            "guide_rag_index_chunks", "Chunks served.", registry=self.registry
        )
        self.index_documents = Gauge(
            "guide_rag_index_documents", "Documents served.", registry=self.registry
        )
        self.index_built = Gauge(
            "guide_rag_index_built_timestamp_seconds", "When the served index was built.",
            registry=self.registry,
        )  # fmt: skip


class Gate:
    """What the mounted apps share: the metrics and the count of requests in flight."""

    def __init__(self, metrics: Metrics, max_concurrency: int) -> None:
        self.metrics = metrics
        self.max_concurrency = max_concurrency
        self.active = 0


class ServiceMiddleware:
    def __init__(
        self, app: ASGIApp, *, gate: Gate, max_body_bytes: int, shape: Shape, body_hint: str
    ) -> None:
        self.app = app
        self.gate = gate
        self.metrics = gate.metrics
        self.max_body = max_body_bytes
        self.shape = shape
        # Which cap a 413 hit (its setting) and what to do about it.
        self.body_hint = body_hint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        bounded = scope["path"] not in UNBOUNDED
        gate = self.gate
        try:
            refusal = self._refusal(scope, bounded)
            if refusal is None and scope["method"] in _WITH_BODY:
                # Bodies are capped, so reading one whole here costs little, and lets a body
                # over the cap (sent without Content-Length) or not UTF-8 be refused cleanly.
                body = await self._read(receive)
                if body is None:
                    refusal = self._too_large()
                else:
                    refusal = _not_utf8(body)
                    receive = _replay(body, receive)
            if refusal is not None:
                reason = {OverloadedError: "overloaded", InvalidBodyError: "invalid_body"}.get(
                    type(refusal), "body_too_large"
                )
                self.metrics.rejected.labels(reason).inc()
                await domain_response(self.shape, refusal)(scope, receive, send_with_id)
                return
            if bounded:
                gate.active += 1
                self.metrics.in_flight.inc()
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if bounded:
                    gate.active -= 1
                    self.metrics.in_flight.dec()
        finally:
            self._record(scope, status, time.perf_counter() - started, request_id)

    def _too_large(self) -> PayloadTooLargeError:
        return PayloadTooLargeError(
            f"request body over {self.max_body} bytes, this route's cap: {self.body_hint}"
        )

    def _refusal(self, scope: Scope, bounded: bool) -> GuideRagError | None:
        length = _header(scope, b"content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            return self._too_large()
        if bounded and self.gate.active >= self.gate.max_concurrency:
            return OverloadedError(
                f"over {self.gate.max_concurrency} requests in flight; retry shortly"
            )
        return None

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, read up to the cap; None once it passes it.

        Done here because an error raised while the app reads its body turns into a 400.
        """
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return None
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        matched = getattr(scope.get("route"), "path", None)
        route = scope.get("root_path", "") + matched if matched else "(unmatched)"
        method = scope["method"]
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route, str(status)).observe(seconds)
        state = scope.get("state", {})
        abstained, social = state.get("abstained"), state.get("social")
        if abstained:
            self.metrics.abstentions.inc()
        if social:
            self.metrics.social.inc()
        # The question itself is never logged: it may hold what a user did not mean to share.
        log.info(json.dumps({
            "event": "request", "request_id": request_id, "method": method, "route": route,
            "status": status, "ms": round(seconds * 1000, 2), "abstained": abstained,
            "social": social,
        }))  # fmt: skip


def note_answer(state: State, answer: Answer) -> None:
    """What the request log and metrics count of `answer` (a request's `state`)."""
    state.abstained = answer.abstained and not answer.social
    state.social = answer.social


def _replay(body: bytes, receive: Receive) -> Receive:
    replay = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return replay.pop() if replay else await receive()

    return replayed


def _not_utf8(body: bytes) -> InvalidBodyError | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InvalidBodyError(
            f"is not valid UTF-8 JSON: byte 0x{body[exc.start]:02x} at offset {exc.start} "
            "cannot be decoded; send the body encoded as UTF-8"
        )
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None
