"""Compute: a lone request computes on the event loop; requests that come together take threads."""

from __future__ import annotations

import threading

import anyio
import pytest

from api.compute import Compute


def test_a_lone_request_computes_on_the_event_loop() -> None:
    async def scenario() -> tuple[int, int]:
        return threading.get_ident(), await Compute().run(threading.get_ident)

    loop, worker = anyio.run(scenario)
    assert worker == loop


def test_requests_that_come_together_compute_on_threads_at_once() -> None:
    compute = Compute()
    both = threading.Barrier(2, timeout=10)  # each waits for the other: only threads can meet

    def work() -> int:
        both.wait()
        return threading.get_ident()

    async def scenario() -> tuple[int, list[int]]:
        ran: list[int] = []

        async def one() -> None:
            ran.append(await compute.run(work))

        async with anyio.create_task_group() as group:
            group.start_soon(one)
            group.start_soon(one)
        return threading.get_ident(), ran

    loop, ran = anyio.run(scenario)
    assert len(ran) == 2 and loop not in ran and ran[0] != ran[1]
    assert (compute.arrived, compute.running) == (0, 0)


def test_an_error_of_the_work_reaches_the_caller_and_frees_the_count() -> None:
    compute = Compute()

    def fail() -> None:
        raise ValueError("bad question")

    async def scenario() -> None:
        await compute.run(fail)

    with pytest.raises(ValueError, match="bad question"):
        anyio.run(scenario)
    assert (compute.arrived, compute.running) == (0, 0)
