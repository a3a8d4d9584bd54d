"""The retriever refuses an index it cannot trust, saying what and how to fix it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.build import run_ingest
from retriever.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from retriever.index import CHUNKS, MANIFEST, current_build
from retriever.qa import QA
from retriever.settings import Settings
from tests.helpers import FakeEmbedder


@pytest.fixture
def built(fake_settings: Settings, fake_embedder: FakeEmbedder) -> Path:
    run_ingest(fake_settings, embedder=fake_embedder)
    return current_build(fake_settings.index_dir)


def test_missing_index(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "nothing", model="fake-embedder")
    with pytest.raises(IndexNotFoundError, match=r"no index at .*nothing: run `guide-rag ingest`"):
        QA.load(settings, embedder=FakeEmbedder())


def test_other_model_is_refused(built: Path, fake_settings: Settings) -> None:
    # Same name, other weights (a re-tuned model): the fingerprint tells them apart.
    with pytest.raises(IndexMismatchError) as info:
        QA.load(fake_settings, embedder=FakeEmbedder(fingerprint="retrained"))
    message = str(info.value)
    assert "'fake-embedder' (dim 64, weights fake-embedde" in message and "retrained" in message
    assert "guide-rag ingest" in message


def test_other_dimension_is_refused(built: Path, fake_settings: Settings) -> None:
    with pytest.raises(
        IndexMismatchError, match="64-dim vectors but model 'fake-embedder' makes 32"
    ):
        QA.load(fake_settings, embedder=FakeEmbedder(dim=32))


def test_tampered_file_is_refused(built: Path, fake_settings: Settings) -> None:
    with (built / CHUNKS).open("a", encoding="utf-8") as fh:
        fh.write("{}\n")
    with pytest.raises(IndexCorruptError, match="does not match its checksum"):
        QA.load(fake_settings, embedder=FakeEmbedder())


def test_other_format_version_is_refused(built: Path, fake_settings: Settings) -> None:
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    (built / MANIFEST).write_text(json.dumps({**manifest, "format_version": 0}), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"format version 0.*re-run `guide-rag ingest`"):
        QA.load(fake_settings, embedder=FakeEmbedder())


def test_unreadable_manifest_is_refused(built: Path, fake_settings: Settings) -> None:
    (built / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="unreadable"):
        QA.load(fake_settings, embedder=FakeEmbedder())


def test_repeated_questions_reuse_their_embedding(built: Path, fake_settings: Settings) -> None:
    embedder = FakeEmbedder()
    qa = QA.load(fake_settings, embedder=embedder)
    first = qa.ask("What do ML engineers earn?")
    again = qa.ask("What do ML engineers earn?")
    assert again == first
    assert len(embedder.calls) == 1  # the second ask never reached the model
    qa.ask("Something else entirely?")
    assert len(embedder.calls) == 2
