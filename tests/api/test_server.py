"""A real uvicorn server on a free loopback port, asked over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from retriever.settings import Settings
from tests.conftest import live_server

pytestmark = [pytest.mark.model, pytest.mark.server]


@pytest.fixture(scope="module")
def server(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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


def test_binds_loopback_only(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    assert httpx.get(f"{server}/health", timeout=5).json() == {"status": "ok"}
