"""Compute: the request of a sole connection computes on the event loop; others take threads."""

from __future__ import annotations

import threading

import anyio
import pytest

from api.compute import CONNECTIONS, Compute, sole_connection


def test_a_sole_connections_request_computes_on_the_event_loop() -> None:
    async def scenario() -> tuple[int, int]:
        return threading.get_ident(), await Compute().run(threading.get_ident, sole=True)

    loop, worker = anyio.run(scenario)
    assert worker == loop


def test_other_requests_compute_on_threads() -> None:
    async def scenario() -> tuple[int, int]:
        return threading.get_ident(), await Compute().run(threading.get_ident, sole=False)

    loop, worker = anyio.run(scenario)
    assert worker != loop


def test_a_sole_connection_takes_a_thread_while_another_request_computes() -> None:
    compute = Compute()
    both = threading.Barrier(2, timeout=10)  # each waits for the other: only threads can meet

    def work() -> int:
        both.wait()
        return threading.get_ident()

    async def scenario() -> tuple[int, list[int]]:
        ran: list[int] = []

        async def one(sole: bool) -> None:
            ran.append(await compute.run(work, sole=sole))

        async with anyio.create_task_group() as group:
            group.start_soon(one, False)  # a client gone, its work still on a thread
            await anyio.sleep(0.05)
            group.start_soon(one, True)
        return threading.get_ident(), ran

    loop, ran = anyio.run(scenario)
    assert len(ran) == 2 and loop not in ran and ran[0] != ran[1]
    assert compute.running == 0


def test_an_error_of_the_work_reaches_the_caller_and_frees_the_count() -> None:
    compute = Compute()

    def fail() -> None:
        raise ValueError("bad question")

    async def scenario() -> None:
        await compute.run(fail, sole=True)

    with pytest.raises(ValueError, match="bad question"):
        anyio.run(scenario)
    assert compute.running == 0


@pytest.mark.parametrize(
    ("scope", "sole"),
    [
        ({"extensions": {CONNECTIONS: {"open": {"a"}}}}, True),
        ({"extensions": {CONNECTIONS: {"open": {"a", "b"}}}}, False),
        ({"extensions": {}}, False),  # another server: it does not say
        ({}, False),
    ],
)
def test_a_sole_connection_is_read_from_our_protocols_scope_extension(
    scope: dict[str, object], sole: bool
) -> None:
    assert sole_connection(scope) is sole
