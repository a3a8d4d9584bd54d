"""A real uvicorn server on a free loopback port, asked over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from tests.helpers import NO_CA, env_for, live_server_process

# The real model on ONNX Runtime behind a real server: what `make run` serves.
pytestmark = [pytest.mark.model, pytest.mark.server]


@pytest.fixture(scope="module")
def served(
    real_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = env_for(real_settings)
    with live_server_process(env, log) as (base, proc):
        yield base, proc.pid


@pytest.fixture(scope="module")
def server(served: tuple[str, int]) -> str:
    return served[0]


def test_ask_over_real_http(server: str) -> None:
    response = httpx.post(
        f"{server}/ask",
        json={"question": "How much do entry-level AI engineers earn?"},
        timeout=30,
        verify=NO_CA,
    )
    assert response.status_code == 200
    body = response.json()
    assert "$90,000 to $130,000" in body["answer"]
    assert body["citations"][0]["section"] == (
        "Career growth opportunities and market demand in AI and ML fields"
    )


def test_bad_input_over_real_http(server: str) -> None:
    response = httpx.post(
        f"{server}/ask",
        content=b"not json",
        headers={"content-type": "application/json"},
        verify=NO_CA,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, read from the kernel's tables."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_binds_loopback_only(server: str) -> None:
    assert httpx.get(f"{server}/health", timeout=5, verify=NO_CA).json() == {"status": "ok"}
    # 127.0.0.1 in the kernel's little-endian hex; 0.0.0.0 would be 00000000.
    assert listening_addresses(int(server.rsplit(":", 1)[1])) == {"0100007F"}


def test_the_serving_process_never_loads_torch_numba_or_scipy(served: tuple[str, int]) -> None:
    base, pid = served
    assert httpx.post(
        f"{base}/ask", json={"question": "What do ML engineers do?"}, verify=NO_CA
    ).is_success
    # Every shared library the process mapped: torch's would be libtorch*.so, numba's JIT
    # llvmlite's, scipy's its own (bm25s, which scores the hybrid search, would import numba
    # and scipy if allowed).
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "onnxruntime" in maps and "Stemmer" in maps
    assert "libtorch" not in maps and "/torch/" not in maps
    assert "llvmlite" not in maps and "/scipy/" not in maps


def test_probes_answer_while_ask_is_saturated(server: str) -> None:
    # Long unique questions keep every worker thread busy; the probes run on the event loop.
    questions = [f"{'What do ML engineers do all day and why? ' * 20} #{n}" for n in range(48)]
    with ThreadPoolExecutor(max_workers=48) as pool:
        asked = [pool.submit(httpx.post, f"{server}/ask", json={"question": q}, timeout=120,
                             verify=NO_CA)
                 for q in questions]  # fmt: skip
        busy = sum(not f.done() for f in asked)
        health = httpx.get(f"{server}/health", timeout=1.0, verify=NO_CA)
        ready = httpx.get(f"{server}/ready", timeout=1.0, verify=NO_CA)
        still_busy = sum(not f.done() for f in asked)
        statuses = {f.result().status_code for f in asked}
    assert health.status_code == 200 and ready.status_code == 200
    assert busy > 0 and still_busy > 0, "the probes were not sent while /ask was busy"
    assert statuses <= {200, 503}
