"""A real uvicorn server on a free loopback port, asked over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from retriever.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.server]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "GUIDE_RAG_INDEX_DIR": str(real_settings.index_dir),
        "GUIDE_RAG_PORT": str(port),
        "GUIDE_RAG_HOST": "127.0.0.1",
    }
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not become ready in 120 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ask_over_real_http(server: str) -> None:
    response = httpx.post(
        f"{server}/ask", json={"question": "How much do entry-level AI engineers earn?"}, timeout=30
    )
    assert response.status_code == 200
    body = response.json()
    assert "$90,000 to $130,000" in body["answer"]
    assert body["citations"][0]["section"] == (
        "Career growth opportunities and market demand in AI and ML fields"
    )


def test_bad_input_over_real_http(server: str) -> None:
    response = httpx.post(
        f"{server}/ask", content=b"not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text


def test_binds_loopback_only(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    assert httpx.get(f"{server}/health", timeout=5).json() == {"status": "ok"}
