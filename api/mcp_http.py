"""/mcp: the MCP server (api/mcp.py) over streamable HTTP, inside `guide-rag serve`.

Stateless, with JSON responses: each POST is one JSON-RPC exchange and no session outlives it,
so a restart or a hot swap changes nothing for a connected host, and every call passes the same
middleware as /ask (request id, access log, metrics, body cap, the bound on requests in flight).
With GUIDE_RAG_API_KEY set it needs `Authorization: Bearer <key>`, like /v1. Refusals (401,
413, 503) come as JSON-RPC errors, which MCP clients show their user.

The SDK is imported and its transport started by the first call to /mcp, not at start-up: the
import alone costs a server 0.4 s of CPU, a third of its start, and most servers are never
asked over MCP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import anyio.to_thread

from api import errors
from api.auth import allowed
from api.errors import InvalidApiKeyError, NotReadyError
from api.middleware import Receive, Scope, Send
from config.sections import ServerSection

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from mcp.server.transport_security import TransportSecuritySettings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class McpEndpoint:
    """The ASGI app at /mcp: the key check, then the SDK's streamable HTTP transport."""

    def __init__(self, build: Callable[[], MCPServer[Any]], settings: ServerSection) -> None:
        self.build = build
        self.settings = settings
        self._tasks: anyio.abc.TaskGroup | None = None
        self._manager: StreamableHTTPSessionManager | None = None
        self._starting: anyio.Lock | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The task group the transport will run in, for the root app's lifespan (Starlette
        runs no lifespan of a mounted app). A manager runs once, so each lifespan gets a new
        one, on its first call."""
        async with anyio.create_task_group() as tasks:
            self._tasks, self._starting = tasks, anyio.Lock()
            try:
                yield
            finally:
                self._tasks = None
                tasks.cancel_scope.cancel()

    async def _started(self) -> StreamableHTTPSessionManager | None:
        tasks, starting = self._tasks, self._starting
        if tasks is None or starting is None:
            return None
        async with starting:  # one start, however many first calls arrive together
            if self._manager is None:
                await tasks.start(self._run)
        return self._manager

    async def _run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        # On a thread: the import would stall every request the loop is serving meanwhile.
        server = await anyio.to_thread.run_sync(self.build)
        server.streamable_http_app(
            stateless_http=True, json_response=True, transport_security=self._security()
        )
        manager = server.session_manager
        async with manager.run():
            self._manager = manager
            try:
                task_status.started()
                await anyio.sleep_forever()
            finally:
                self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self.settings.api_key
        if key is not None and not allowed(_authorization(scope), key):
            refusal = InvalidApiKeyError(
                "missing or wrong API key: send Authorization: Bearer <GUIDE_RAG_API_KEY>"
            )
            response = errors.domain_response(errors.jsonrpc, refusal)
            response.headers["WWW-Authenticate"] = 'Bearer realm="guide-rag"'
            await response(scope, receive, send)
            return
        manager = self._manager or await self._started()
        if manager is None:
            refused = NotReadyError(
                "the MCP transport is not running (server starting or stopping)"
            )
            await errors.domain_response(errors.jsonrpc, refused)(scope, receive, send)
            return
        await manager.handle_request(scope, receive, send)

    def _security(self) -> TransportSecuritySettings | None:
        """Bound to loopback, a web page must not reach /mcp through DNS rebinding: Host and
        Origin must be local (or an origin GUIDE_RAG_CORS_ORIGINS allows), as the SDK does."""
        from mcp.server.transport_security import TransportSecuritySettings

        if self.settings.host not in LOOPBACK:
            return None
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=[
                "http://127.0.0.1:*",
                "http://localhost:*",
                "http://[::1]:*",
                *self.settings.cors_origins,
            ],
        )


def _authorization(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None
