"""A real uvicorn server on a free loopback port, asked over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.settings import IngestSettings
from tests.helpers import live_server

pytestmark = [pytest.mark.model, pytest.mark.server]


@pytest.fixture(scope="module")
def server(
    real_settings: IngestSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    with live_server({"GUIDE_RAG_INDEX_DIR": str(real_settings.index_dir)}, log) as base:
        yield base


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
    assert httpx.get(f"{server}/health", timeout=5).json() == {"status": "ok"}
    # 127.0.0.1 in the kernel's little-endian hex; 0.0.0.0 would be 00000000.
    assert listening_addresses(int(server.rsplit(":", 1)[1])) == {"0100007F"}
