"""/mcp: the MCP server (api/mcp.py) over streamable HTTP, inside `guide-rag serve`.

Stateless, with JSON responses: each POST is one JSON-RPC exchange and no session outlives it,
so a restart or a hot swap changes nothing for a connected host, and every call passes the same
middleware as /ask (request id, access log, metrics, body cap, the bound on requests in flight).
With GUIDE_RAG_API_KEY set it needs `Authorization: Bearer <key>`, like /v1. Refusals (401,
413, 503) come as JSON-RPC errors, which MCP clients show their user.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from api import errors
from api.auth import allowed
from api.errors import InvalidApiKeyError, NotReadyError
from api.middleware import Receive, Scope, Send
from config.sections import ServerSection

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class McpEndpoint:
    """The ASGI app at /mcp: the key check, then the SDK's streamable HTTP transport."""

    def __init__(self, server: MCPServer[Any], settings: ServerSection) -> None:
        self.server = server
        self.settings = settings
        self._manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The transport's task group, for the root app's lifespan (Starlette runs no lifespan
        of a mounted app). A manager runs once, so each lifespan gets a new one."""
        self.server.streamable_http_app(
            stateless_http=True, json_response=True, transport_security=self._security()
        )
        manager = self.server.session_manager
        async with manager.run():
            self._manager = manager
            try:
                yield
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
        manager = self._manager
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
