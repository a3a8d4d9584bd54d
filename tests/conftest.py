"""Shared fixtures. Heavy state is built once per session: an index of the shipped guide made
with the deterministic fake embedder (everything that is not about model quality), and one
made with the real tuned model (quality, the real backends)."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from packaging.version import Version

from config.settings import PREFIX, Settings
from feedback.store import FeedbackStore
from ingest.build import run_ingest
from ingest.embedder import embedder_for
from retriever.embedding import Embedder, FakeEmbedder
from retriever.qa import QA
from tests.helpers import GUIDE, FeedbackTarget, fake_settings_for, real_settings_for
from tests.postgres import NOT_INSTALLED, PostgresServer, bindir, postgres_server


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` (make test-fast): the tests of a module that share a
    module-scoped fixture (a server, a browser) run on one worker, which starts it once; every
    other test goes to whichever worker is free. Before xdist reads the groups (tryfirst)."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope == "module" for chain in defs for d in chain):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_configure(config: pytest.Config) -> None:
    _cache_bytecode()
    _check_the_xdist_pin(config)


def _cache_bytecode() -> None:
    """Before collection. With PYTHONDONTWRITEBYTECODE set (these machines set it), pytest
    rewrote all 281 test and plugin modules at every start (2.7 s per worker), and each of the
    suite's ~75 `guide-rag` subprocesses compiled every module of ours that had no .pyc: on a
    clean clone, all of them. The Makefile unsets it too, for what pytest imports before this."""
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def _check_the_xdist_pin(config: pytest.Config) -> None:
    """pytest 9.2 ids no longer take the group xdist 3.8 appends to them (pytest-xdist#1386):
    `--dist loadgroup` would then start every module's server and browser on both workers,
    slower and in silence. pyproject.toml pins pytest under 9.2; say so if another is here."""
    if config.getoption("dist", None) != "loadgroup":
        return
    pytest_version = Version(pytest.__version__)
    xdist_version = Version(importlib.metadata.version("pytest-xdist"))
    if pytest_version >= Version("9.2.0.dev0") and xdist_version <= Version("3.8.0"):
        raise pytest.UsageError(
            f"pytest {pytest_version} with pytest-xdist {xdist_version} ignores the test "
            "groups (pytest-xdist#1386): run `make install-dev` for the pytest pyproject.toml pins"
        )


@pytest.fixture(autouse=True, scope="session")
def _hermetic_environment() -> Iterator[None]:
    """A developer's GUIDE_RAG_* variables must not change what the tests see."""
    saved = {k: v for k, v in os.environ.items() if k.upper().startswith(PREFIX)}
    for key in saved:
        del os.environ[key]
    yield
    os.environ.update(saved)


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
    """Settings for a private home in tmp_path: the corpus copy, the fake embedder."""
    return fake_settings_for(tmp_path, corpus_dir=corpus_copy)


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped guide indexed with the fake embedder and calibrated as ingest calibrates:
    settings whose index is that build (nothing republishes it)."""
    settings = fake_settings_for(
        tmp_path_factory.mktemp("fake"), corpus_dir=GUIDE.parent, reload_seconds=0
    )
    run_ingest(settings)
    return settings


@pytest.fixture(scope="session")
def fake_qa(fake_index: Settings) -> QA:
    return QA.load(fake_index.serving())


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    # The tuned model `make test` made; exported to ONNX if nothing has yet.
    return embedder_for(real_settings_for(Path("/nonexistent")))


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Settings:
    """The shipped guide ingested once with the real model, calibrated as `guide-rag ingest`
    calibrates, into a session temp directory."""
    settings = real_settings_for(tmp_path_factory.mktemp("real"), reload_seconds=0)
    run_ingest(settings, embedder=real_embedder)
    return settings


@pytest.fixture(scope="session")
def qa(real_settings: Settings, real_embedder: Embedder) -> QA:
    return QA.load(real_settings.serving(), embedder=real_embedder)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the session (initdb in a temp folder, a loopback port)."""
    found = bindir()
    if found is None:
        pytest.skip(NOT_INSTALLED)
    with postgres_server(found) as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A fresh, empty database of the session's PostgreSQL, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = postgres.create_database(name)
    yield url
    postgres.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def feedback_target(request: pytest.FixtureRequest, tmp_path: Path) -> FeedbackTarget:
    """Each feedback test runs once per store: the SQLite file and the shared PostgreSQL."""
    db = tmp_path / "feedback.sqlite3"
    if request.param == "sqlite":
        return FeedbackTarget(kind="sqlite", db=db)
    return FeedbackTarget(kind="postgres", db=db, url=request.getfixturevalue("postgres_url"))


@pytest.fixture
def feedback_store(feedback_target: FeedbackTarget) -> Iterator[Callable[..., FeedbackStore]]:
    """Opens stores on the target (as many as a test wants: replicas); closes them after."""
    opened: list[FeedbackStore] = []

    def open_(max_rows: int = 1000) -> FeedbackStore:
        opened.append(feedback_target.open(max_rows))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()
