"""uvicorn's HTTP protocol with our limits on the request line and headers, answered in JSON.

The parser refuses what it cannot read (a URL past about 64 KB) with a plain-text 400 before
any app sees the request; headers it takes without bound. Here a request line over
MAX_URL_BYTES gets 414 and headers over MAX_HEADER_BYTES get 431, and any request the parser
refuses gets a JSON 400, in the shape of the app the path belongs to (OpenAI's under /v1).
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api import errors
from api.compute import CONNECTIONS
from api.errors import (
    BadRequestLineError,
    HeadersTooLargeError,
    UriTooLongError,
    refusal_of,
)

MAX_URL_BYTES = 16_384  # 50 `documents=` filters of 128-character ids fit three times over
MAX_HEADER_BYTES = 65_536


class _Refused(Exception):
    """Raised from a parser callback: the parser stops and the request is answered here."""


class GuardedHttpTools(HttpToolsProtocol):
    _refusal: BadRequestLineError | None = None
    _header_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._refusal = None
        self._header_bytes = 0
        # The open connections, for api/compute.py: a request on the only one may compute on
        # the event loop.
        self.scope.setdefault("extensions", {})[CONNECTIONS] = {"open": self.connections}

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._refusal = UriTooLongError(
                f"request line over {MAX_URL_BYTES} bytes: send fewer query parameters "
                "(at most 50 `documents` filters), or POST the question to /ask"
            )
            raise _Refused

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._refusal = HeadersTooLargeError(
                f"request headers over {MAX_HEADER_BYTES} bytes: send fewer or shorter headers"
            )
            raise _Refused

    def send_400_response(self, msg: str) -> None:
        refusal = self._refusal or BadRequestLineError(f"the request is not valid HTTP/1.1 ({msg})")
        shape = errors.openai if self.url.startswith(b"/v1") else errors.ours
        status, body = shape(refusal_of(refusal), str(refusal), [])
        payload = json.dumps(body).encode()
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Bad Request')}".encode()]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json",
            b"content-length: " + str(len(payload)).encode(),
            b"connection: close",
        ]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + payload)
        self.transport.close()


_REASONS = {400: "Bad Request", 414: "URI Too Long", 431: "Request Header Fields Too Large"}
