"""The retriever refuses an index it cannot trust, saying what and how to fix it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from config.settings import Settings
from ingest.build import run_ingest
from retriever.alignment import passage_rows
from retriever.embedding import FakeEmbedder
from retriever.errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    ModelLoadError,
)
from retriever.index import (
    CHUNKS,
    MANIFEST,
    TOKENS,
    check_model,
    current_build,
    load_index,
    sha256_file,
)
from retriever.qa import QA
from tests.helpers import fake_settings_for


@pytest.fixture
def built(fake_settings: Settings, fake_embedder: FakeEmbedder) -> Path:
    run_ingest(fake_settings, embedder=fake_embedder)
    return current_build(fake_settings.paths.index)


def test_missing_index(tmp_path: Path) -> None:
    settings = fake_settings_for(tmp_path, index_dir=tmp_path / "nothing")
    with pytest.raises(IndexNotFoundError, match=r"no index at .*nothing: run `guide-rag ingest`"):
        QA.load(settings.serving(), embedder=FakeEmbedder())


def test_the_index_chooses_its_model(built: Path, fake_settings: Settings) -> None:
    # Another model at hand (a re-tuned one): the QA opens the model the index names instead.
    other = FakeEmbedder(fingerprint="fake-embedder-retrained")
    qa = QA.load(fake_settings.serving(), embedder=other)
    assert qa.embedder is not other and qa.embedder.fingerprint == "fake-embedder-256"


def test_a_model_the_index_does_not_name_is_refused(built: Path) -> None:
    # Same name, other weights (a re-tuned model): the fingerprint tells them apart.
    build = load_index(built.parent.parent)
    with pytest.raises(IndexMismatchError) as info:
        check_model(build, FakeEmbedder(fingerprint="retrained"))
    message = str(info.value)
    assert "'fake-embedder' (dim 256, weights fake-embedde" in message and "retrained" in message
    assert "guide-rag ingest" in message
    with pytest.raises(IndexMismatchError, match="256-dim vectors but model 'fake-embedder'"):
        check_model(build, FakeEmbedder(dim=32, fingerprint="fake-embedder-256"))


def test_a_missing_model_export_says_how_to_make_it(built: Path, fake_settings: Settings) -> None:
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    manifest["model"] = {"name": "somewhere/tuned", "fingerprint": "ab" * 32, "dim": 256}
    (built / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"no exported model at .*run `guide-rag ingest`"):
        QA.load(fake_settings.serving())


def test_tampered_file_is_refused(built: Path, fake_settings: Settings) -> None:
    with (built / CHUNKS).open("a", encoding="utf-8") as fh:
        fh.write("{}\n")
    with pytest.raises(IndexCorruptError, match="does not match its checksum"):
        QA.load(fake_settings.serving(), embedder=FakeEmbedder())


def test_other_format_version_is_refused(built: Path, fake_settings: Settings) -> None:
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    (built / MANIFEST).write_text(json.dumps({**manifest, "format_version": 0}), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"format version 0.*re-run `guide-rag ingest`"):
        QA.load(fake_settings.serving(), embedder=FakeEmbedder())


def test_unreadable_manifest_is_refused(built: Path, fake_settings: Settings) -> None:
    (built / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="unreadable"):
        QA.load(fake_settings.serving(), embedder=FakeEmbedder())


def test_repeated_questions_reuse_their_embedding(built: Path, fake_settings: Settings) -> None:
    embedder = FakeEmbedder()
    qa = QA.load(fake_settings.serving(), embedder=embedder)
    first = qa.ask("What do ML engineers earn?")
    again = qa.ask("What do ML engineers earn?")
    assert again == first
    assert len(embedder.calls) == 1  # the second ask never reached the model
    qa.ask("Something else entirely?")
    assert len(embedder.calls) == 2


def test_each_passage_keeps_its_token_states_alone_and_after_its_title(
    built: Path, fake_settings: Settings
) -> None:
    build = load_index(built.parent.parent)
    assert len(build.tokens) == len(build.chunks)
    fake = FakeEmbedder()
    for i in (0, len(build.chunks) - 1):
        chunk = build.chunks[i]
        alone, in_context = fake.encode_tokens([chunk.text, chunk.embed_text])[1]
        expected = np.concatenate([passage_rows(alone), passage_rows(in_context)])
        np.testing.assert_array_equal(build.tokens.of(i), expected)
        assert chunk.section and chunk.embed_text.startswith(chunk.section)


def test_token_states_of_other_chunks_are_refused(built: Path, fake_settings: Settings) -> None:
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    with np.load(built / TOKENS) as held:
        counts, states = held["counts"], held["states"]
    with (built / TOKENS).open("wb") as fh:
        np.savez(fh, counts=counts[:-1], states=states[: int(counts[:-1].sum())])
    manifest["files"][TOKENS] = sha256_file(built / TOKENS)
    (built / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"token states of \d+ chunks for"):
        QA.load(fake_settings.serving(), embedder=FakeEmbedder())
