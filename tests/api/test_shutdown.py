"""SIGTERM: the server stops taking requests but finishes the ones in flight."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from tests.helpers import NO_CA, env_for, live_server_process

# The real model: each answer takes milliseconds, so 16 are still in flight at the signal.
pytestmark = [pytest.mark.model, pytest.mark.server]


def test_sigterm_finishes_requests_in_flight(real_settings: Settings, tmp_path: Path) -> None:
    env = env_for(real_settings)
    with live_server_process(env, tmp_path / "server.log") as (base, proc):
        started = threading.Barrier(17)
        outcomes: list[str] = []

        def ask(n: int) -> None:
            with httpx.Client(base_url=base, timeout=60, verify=NO_CA) as client:
                client.get("/health")  # connected before the signal
                started.wait()
                try:
                    response = client.post(
                        "/ask", json={"question": f"What do AI engineers earn? ({n})"}
                    )
                    outcomes.append(str(response.status_code))
                except httpx.HTTPError as exc:
                    outcomes.append(type(exc).__name__)

        workers = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
        for worker in workers:
            worker.start()
        started.wait()
        time.sleep(0.05)  # the requests are on the wire and being served: 16 take ~100 ms
        proc.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.join(timeout=60)
        # uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
    # Requests already sent are answered; none is cut off half-way.
    assert len(outcomes) == 16 and set(outcomes) == {"200"}, outcomes
    assert "Finished server process" in (tmp_path / "server.log").read_text()
