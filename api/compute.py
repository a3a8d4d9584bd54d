"""Where a request's model work runs: on the event loop when its connection is the server's only
one and nothing else computes, else on a worker thread.

A worker thread costs two wake-ups per request: the worker's, then the event loop's, which slept
in epoll through the model call. On a VM a sleeping CPU wakes late: two servers asked unique
questions in turn over one keep-alive connection, `/ask` p50 11.05 ms on a thread and 10.8 ms on
the loop, p90 13.7 and 12.7 (docs/benchmarks.md). Only a sole connection may: the loop reads a
new connection's request only once it is free, so a flood of new connections, each request
alone when read, was computed one after another on the loop, one core idle and probes waiting
seconds (tests/api/test_server.py).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")
# The scope extension our uvicorn protocol (api/protocol.py) gives each request: the server's
# open connections. Without it (another server, a test client), work takes a thread.
CONNECTIONS = "guide_rag.connections"


def sole_connection(scope: MutableMapping[str, Any]) -> bool:
    """The request came on the server's only open connection."""
    extension = scope.get("extensions", {}).get(CONNECTIONS)
    return extension is not None and len(extension["open"]) == 1


class Compute:
    def __init__(self) -> None:
        self.running = 0  # requests computing, on the loop or on a thread (read on the loop only)

    async def run(self, work: Callable[[], T], *, sole: bool) -> T:
        """`work()`: at once on the loop if `sole` (`sole_connection`) and nothing else
        computes (a client gone before its answer leaves its thread running), else on a worker
        thread."""
        inline = sole and self.running == 0
        self.running += 1
        try:
            if inline:
                return work()
            return await anyio.to_thread.run_sync(work)
        finally:
            self.running -= 1
