"""Ingest with a fake embedder: what is written, what is reused, what survives a crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ingest.publish
from config.settings import Settings
from ingest.build import run_ingest
from ingest.errors import CorpusError, IngestLockedError
from ingest.publish import index_lock
from retriever.embedding import FakeEmbedder
from retriever.index import BUILDS, CURRENT, FORMAT_VERSION, MANIFEST, load_index
from retriever.qa import QA
from tests.helpers import FIXTURES, GUIDE


def test_ingest_writes_a_loadable_index(
    fake_settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    report = run_ingest(fake_settings, embedder=fake_embedder)
    assert (report.documents, report.sections) == (1, 8)
    assert report.chunks == report.added > 40
    # Two views per chunk (in its section's context, and alone), then each answer sentence.
    build = load_index(fake_settings.paths.index)
    sentences = sum(len(c.answer_sentences) for c in build.chunks)
    assert report.embedded == fake_embedder.embedded == 2 * report.chunks + sentences

    manifest = build.manifest
    assert manifest.format_version == FORMAT_VERSION
    assert (manifest.model.name, manifest.model.dim, manifest.chunk_count) == (
        "fake-embedder",
        256,
        report.chunks,
    )
    # No calibrator given: nothing fitted, serving falls back (see evaluation/test_calibration).
    assert manifest.built_at and manifest.calibration is None
    assert {"vectors.faiss", "vectors-text.faiss", "chunks.jsonl"} <= set(manifest.files)
    assert any(name.startswith("bm25/") for name in manifest.files)
    (doc,) = manifest.documents
    assert doc.id == "ai-vs-ml-engineering-career-guide" and len(doc.sha256) == 64
    assert sum(s.chunks for s in doc.sections) == report.chunks
    assert [v.ntotal for v in build.dense.views] == [report.chunks] * 2 == [len(build.chunks)] * 2

    qa = QA.load(fake_settings.serving(), embedder=fake_embedder)
    assert qa.search("salary ranges entry level", k=3)[0].chunk.section.startswith("Career")


def test_unchanged_corpus_is_up_to_date_without_the_model(
    fake_settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    first = run_ingest(fake_settings, embedder=fake_embedder)
    untouched = FakeEmbedder()
    again = run_ingest(fake_settings, embedder=untouched)
    assert again.up_to_date and again.build_id == first.build_id
    assert (again.embedded, again.unchanged, untouched.calls) == (0, first.chunks, [])


def test_editing_one_paragraph_re_embeds_only_its_chunk(
    fake_settings: Settings, corpus_copy: Path, fake_embedder: FakeEmbedder
) -> None:
    first = run_ingest(fake_settings, embedder=fake_embedder)
    before = load_index(fake_settings.paths.index)
    guide = corpus_copy / GUIDE.name
    old = "ML engineers see similar ranges with potential premiums at research-focused companies."
    guide.write_text(
        guide.read_text(encoding="utf-8").replace(old, "ML engineers earn about the same."),
        encoding="utf-8",
    )
    counting = FakeEmbedder()
    second = run_ingest(fake_settings, embedder=counting)
    # Its two views and its three sentences: "ML engineers earn about the same." is one of them.
    assert (second.added, second.removed, second.embedded) == (1, 1, 5)
    assert second.unchanged == first.chunks - 1
    assert "ML engineers earn about the same." in counting.calls[0][0]
    # Unchanged chunks keep their very vectors; the edited one is gone under its old id.
    after = load_index(fake_settings.paths.index)
    old_rows = {c.id: i for i, c in enumerate(before.chunks)}
    new_ids = {c.id for c in after.chunks}
    assert len(set(old_rows) - new_ids) == 1
    for i, chunk in enumerate(after.chunks):
        if chunk.id in old_rows:
            assert (after.vectors(i) == before.vectors(old_rows[chunk.id])).all()


def test_a_crash_while_writing_leaves_the_previous_index(
    fake_settings: Settings,
    fake_embedder: FakeEmbedder,
    corpus_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = run_ingest(fake_settings, embedder=fake_embedder)
    (corpus_copy / "second.md").write_text("# Second\n\nA second guide.", encoding="utf-8")

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ingest.publish, "_fsync_tree", crash)
    with pytest.raises(OSError, match="disk full"):
        run_ingest(fake_settings, embedder=fake_embedder)
    assert load_index(fake_settings.paths.index).manifest.build_id == first.build_id

    monkeypatch.undo()
    after = run_ingest(fake_settings, embedder=fake_embedder)
    assert (
        after.documents == 2
        and load_index(fake_settings.paths.index).manifest.build_id != first.build_id
    )
    leftovers = [p.name for p in (fake_settings.paths.index / BUILDS).iterdir()]
    assert not [name for name in leftovers if name.startswith(".staging")]


def test_pointer_names_only_complete_builds(
    fake_settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    run_ingest(fake_settings, embedder=fake_embedder)
    name = (fake_settings.paths.index / CURRENT).read_text(encoding="utf-8").strip()
    build = fake_settings.paths.index / BUILDS / name
    manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["build_id"] == name
    assert sorted(p.name for p in build.iterdir()) == [
        "bm25",
        "chunks.jsonl",
        "manifest.json",
        "tokens.npz",
        "vectors-sentences.faiss",
        "vectors-text.faiss",
        "vectors.faiss",
    ]


def test_old_builds_are_pruned(
    fake_settings: Settings, corpus_copy: Path, fake_embedder: FakeEmbedder
) -> None:
    guide = corpus_copy / GUIDE.name
    for n in range(4):
        guide.write_text(
            guide.read_text(encoding="utf-8") + f"\nExtra paragraph {n}.", encoding="utf-8"
        )
        run_ingest(fake_settings, embedder=fake_embedder)
    assert (
        len(list((fake_settings.paths.index / BUILDS).iterdir())) == 2
    )  # the live build and the one it replaced


def test_bad_files_are_skipped_unless_strict(fake_settings: Settings, corpus_copy: Path) -> None:
    (corpus_copy / "broken.txt").write_bytes(b"\xff\xfe\x00garbage")
    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert report.documents == 1 and "broken.txt" in report.skipped[0].reason

    with pytest.raises(CorpusError, match=r"broken\.txt"):
        run_ingest(fake_settings, embedder=FakeEmbedder(), strict=True)


def test_many_guides_and_deleting_one_removes_all_its_chunks(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, corpus_copy / fixture.name)
    first = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert first.documents == 3
    by_doc = {c.document: c.added for c in first.changes}
    assert by_doc["mlops-primer"] > 0 and by_doc["prompt-engineering-guide"] > 0

    (corpus_copy / "mlops-primer.html").unlink()
    counting = FakeEmbedder()
    second = run_ingest(fake_settings, embedder=counting)
    assert (second.removed, second.added, counting.calls) == (by_doc["mlops-primer"], 0, [])
    build = load_index(fake_settings.paths.index)
    assert {c.document_id for c in build.chunks} == {
        "ai-vs-ml-engineering-career-guide",
        "prompt-engineering-guide",
    }
    assert "mlops-primer" not in {d.id for d in build.manifest.documents}
    qa = QA.load(fake_settings.serving(), embedder=counting)
    assert all(h.chunk.document_id != "mlops-primer" for h in qa.search("MLflow drift", 20))


def test_dry_run_reports_and_changes_nothing(
    fake_settings: Settings, corpus_copy: Path, fake_embedder: FakeEmbedder
) -> None:
    dry = run_ingest(fake_settings, embedder=fake_embedder, dry_run=True)
    assert dry.dry_run and dry.changes[0].added == dry.chunks
    assert fake_embedder.calls == [] and not fake_settings.paths.index.exists()

    run_ingest(fake_settings, embedder=fake_embedder)
    before = (fake_settings.paths.index / CURRENT).read_text(encoding="utf-8")
    shutil.copy(FIXTURES / "prompt-engineering-guide.md", corpus_copy)
    counting = FakeEmbedder()
    plan = run_ingest(fake_settings, embedder=counting, dry_run=True)
    changes = {c.document: (c.added, c.removed) for c in plan.changes}
    assert changes["prompt-engineering-guide"][0] > 0
    assert changes["ai-vs-ml-engineering-career-guide"] == (0, 0)
    assert counting.calls == []
    assert (fake_settings.paths.index / CURRENT).read_text(encoding="utf-8") == before


def test_a_second_ingest_at_once_is_refused(fake_settings: Settings) -> None:
    with (
        index_lock(fake_settings.paths.index),
        pytest.raises(IngestLockedError, match=r"another ingest \(pid \d+\).*wait"),
    ):
        run_ingest(fake_settings, embedder=FakeEmbedder())
    run_ingest(fake_settings, embedder=FakeEmbedder())  # free again once the first is done
