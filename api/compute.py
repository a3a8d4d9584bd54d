"""Where a request's model work runs: on the event loop when it is the only request, else on a
worker thread.

A worker thread costs two wake-ups per request: the worker's, then the event loop's, which
slept in epoll through the 10 ms of the model call. On a VM a sleeping CPU wakes late: two
servers asked unique questions in turn, sequential `/ask` p50 11.05 ms on a thread and 10.8 ms on
the loop, p90 13.7 and 12.7 (docs/benchmarks.md). Requests that come together all take
threads, so two cores compute at once and micro-batching still gathers questions; the loop is
blocked by one question at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.lowlevel
import anyio.to_thread

T = TypeVar("T")


class Compute:
    def __init__(self) -> None:
        # Read and written on the event loop only.
        self.arrived = 0  # requests between their arrival and their choice
        self.running = 0  # requests computing, on the loop or on a thread

    async def run(self, work: Callable[[], T]) -> T:
        """`work()`: at once on the loop if no other request computes or comes with this one,
        else on a worker thread."""
        self.arrived += 1
        try:
            # One turn of the loop: requests read in the same turn as this one (a burst, under
            # load) reach this point too and are counted before any of them chooses.
            await anyio.lowlevel.checkpoint()
            inline = self.running == 0 and self.arrived == 1
        finally:
            self.arrived -= 1
        self.running += 1
        try:
            if inline:
                return work()
            return await anyio.to_thread.run_sync(work)
        finally:
            self.running -= 1
