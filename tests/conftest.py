"""Shared fixtures. Heavy state (the real model, an index of the shipped guide) is built once."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

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
