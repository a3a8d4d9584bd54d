"""Shared fixtures. Heavy state (the real model, an index of the shipped guide) is built once."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest

from ingest.pipeline import IngestReport, run_ingest
from retriever.embedding import SentenceTransformerEmbedder
from retriever.pipeline import Pipeline
from retriever.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "corpus" / "ai-vs-ml-engineering-career-guide.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class FakeEmbedder:
    """Deterministic bag-of-words vectors, for unit tests of pure logic. Not a real model."""

    name = "fake-embedder"

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dim
                out[row, bucket] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        if on_batch is not None:
            on_batch(len(texts))
        return out

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus folder that a test may edit."""
    target = tmp_path / "corpus"
    target.mkdir()
    shutil.copy(GUIDE, target / GUIDE.name)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", model="fake-embedder")


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(Settings().model)


@pytest.fixture(scope="session")
def real_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> tuple[Settings, IngestReport]:
    """The shipped guide ingested once with the real model into a session temp directory."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    settings = Settings(corpus_dir=GUIDE.parent, index_dir=index_dir)
    return settings, run_ingest(settings, embedder=real_embedder)


@pytest.fixture(scope="session")
def real_settings(real_index: tuple[Settings, IngestReport]) -> Settings:
    return real_index[0]


@pytest.fixture(scope="session")
def pipeline(real_settings: Settings, real_embedder: SentenceTransformerEmbedder) -> Pipeline:
    return Pipeline.load(real_settings, embedder=real_embedder)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`guide-rag serve` in a subprocess on a free loopback port; yields its base URL once ready."""
    with live_server_process(env, log) as (base, _):
        yield base


@contextmanager
def live_server_process(
    env: dict[str, str], log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As live_server, also yielding the process (to signal it)."""
    port = free_port()
    env = {**os.environ, **env, "GUIDE_RAG_PORT": str(port), "GUIDE_RAG_HOST": "127.0.0.1"}
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
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
