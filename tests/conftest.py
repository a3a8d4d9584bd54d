"""Shared fixtures. Heavy state (the real model, an index of the shipped guide) is built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.settings import ServerSettings
from evaluation.calibration import DevSplitCalibrator
from ingest.build import run_ingest
from ingest.report import IngestReport
from ingest.settings import IngestSettings
from retriever.embedding import Embedder, prepare_embedder
from retriever.qa import QA
from retriever.settings import Settings
from tests.helpers import EVAL_DIR, GUIDE, FakeEmbedder


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
def fake_settings(tmp_path: Path, corpus_copy: Path) -> IngestSettings:
    return IngestSettings(
        corpus_dir=corpus_copy, index_dir=tmp_path / "index", model="fake-embedder"
    )


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    return prepare_embedder(Settings())  # exports the model to ONNX if nothing has yet


@pytest.fixture(scope="session")
def real_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> tuple[IngestSettings, IngestReport]:
    """The shipped guide ingested once with the real model, calibrated as `guide-rag ingest`
    calibrates, into a session temp directory."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    settings = IngestSettings(corpus_dir=GUIDE.parent, index_dir=index_dir)
    report = run_ingest(settings, embedder=real_embedder, calibrator=DevSplitCalibrator(EVAL_DIR))
    return settings, report


@pytest.fixture(scope="session")
def real_settings(real_index: tuple[IngestSettings, IngestReport]) -> IngestSettings:
    return real_index[0]


@pytest.fixture(scope="session")
def qa(real_settings: Settings, real_embedder: Embedder) -> QA:
    return QA.load(real_settings, embedder=real_embedder)


@pytest.fixture(scope="session")
def server_settings(real_settings: IngestSettings) -> ServerSettings:
    """Serving the real index in-process; no index watcher (nothing republishes it)."""
    return ServerSettings(index_dir=real_settings.index_dir, reload_seconds=0)
