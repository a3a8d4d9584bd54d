"""Ingest stays inside what it was given: symlinks out, loops, FIFOs and devices are skipped."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.build import run_ingest
from ingest.discovery import GUIDE_SUFFIXES, discover
from ingest.errors import CorpusError
from ingest.loaders import PARSERS
from retriever.embedding import FakeEmbedder
from retriever.index import CURRENT, load_index
from tests.helpers import GUIDE, fake_settings_for
from tests.hostile import run_measured

SECRET = "The launch code is 0000 and nobody may read it."


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A text file outside the corpus, as /etc/passwd is."""
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"Secret\n{SECRET}\n", encoding="utf-8")
    return secret


def test_a_symlink_out_of_the_folder_is_skipped_with_its_reason(
    fake_settings: Settings, corpus_copy: Path, outside: Path
) -> None:
    (corpus_copy / "passwd.txt").symlink_to(outside)
    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    (skipped,) = report.skipped
    assert skipped.path.name == "passwd.txt"
    assert f"a symlink to {outside}, outside {corpus_copy}" in skipped.reason
    assert "GUIDE_RAG_FOLLOW_SYMLINKS" in skipped.reason and "\n" not in skipped.reason
    build = load_index(fake_settings.paths.index)
    assert [d.id for d in build.manifest.documents] == ["ai-vs-ml-engineering-career-guide"]
    assert not any(SECRET in c.text for c in build.chunks)

    with pytest.raises(CorpusError, match=r"passwd\.txt: a symlink to"):
        run_ingest(fake_settings, embedder=FakeEmbedder(), strict=True)


def test_following_symlinks_is_a_setting(
    fake_settings: Settings,
    corpus_copy: Path,
    outside: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (corpus_copy / "shared.txt").symlink_to(outside)
    settings = fake_settings.override(follow_symlinks=True)
    report = run_ingest(settings, embedder=FakeEmbedder())
    assert report.skipped == () and report.documents == 2
    build = load_index(settings.paths.index)
    assert any(SECRET in c.text for c in build.chunks)
    assert Settings().ingest.follow_symlinks is False  # off unless GUIDE_RAG_FOLLOW_SYMLINKS
    monkeypatch.setenv("GUIDE_RAG_FOLLOW_SYMLINKS", "true")
    assert Settings().ingest.follow_symlinks is True


def test_a_symlink_to_a_guide_of_the_same_folder_is_read_once(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    (corpus_copy / "alias.txt").symlink_to(corpus_copy / GUIDE.name)
    (corpus_copy / "zz-alias.txt").symlink_to(GUIDE.name)  # relative, sorted after the guide
    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert (report.documents, report.skipped) == (1, ())
    ids = [d.id for d in load_index(fake_settings.paths.index).manifest.documents]
    assert ids == ["ai-vs-ml-engineering-career-guide"]


def test_a_symlink_inside_to_a_file_not_listed_is_read_under_its_own_name(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    drafts = corpus_copy / "drafts"
    drafts.mkdir()
    (drafts / "v2.md").write_text("# Primer\n\nA second guide, kept in a subfolder.", "utf-8")
    (corpus_copy / "primer.md").symlink_to(drafts / "v2.md")
    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert report.documents == 2 and report.skipped == ()
    assert "primer" in {d.id for d in load_index(fake_settings.paths.index).manifest.documents}


def test_loops_dangling_links_and_fifos_are_skipped_without_blocking(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    (corpus_copy / "loop-a.txt").symlink_to(corpus_copy / "loop-b.txt")
    (corpus_copy / "loop-b.txt").symlink_to(corpus_copy / "loop-a.txt")
    (corpus_copy / "gone.md").symlink_to(corpus_copy / "deleted.md")
    os.mkfifo(corpus_copy / "pipe.txt")  # reading it would wait forever for a writer
    (corpus_copy / "null.txt").symlink_to(os.devnull)
    found = discover([corpus_copy], follow_symlinks=True)
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert [p.name for p in found.files] == [GUIDE.name]
    assert "a symlink loop" in reasons["loop-a.txt"] and "a symlink loop" in reasons["loop-b.txt"]
    assert "which does not exist" in reasons["gone.md"]
    assert "a FIFO, not a regular file" in reasons["pipe.txt"]
    assert "a character device, not a regular file" in reasons["null.txt"]

    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert report.documents == 1
    assert {s.path.name for s in report.skipped} == {*reasons}
    assert all(s.reason.startswith(str(s.path)) for s in report.skipped)


def test_a_named_symlink_is_judged_by_the_folder_it_sits_in(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "named" / "guide.txt"
    link.parent.mkdir()
    link.symlink_to(outside)
    with pytest.raises(CorpusError, match="no usable guide"):
        run_ingest(fake_settings_for(tmp_path), [link], embedder=FakeEmbedder())
    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)
    assert "a FIFO" in discover([fifo]).skipped[0].reason


def test_the_cli_warns_exits_3_and_strict_fails(
    tmp_path: Path, corpus_copy: Path, outside: Path
) -> None:
    (corpus_copy / "passwd.txt").symlink_to(outside)
    index = tmp_path / "index"
    args = ["ingest", str(corpus_copy), "--index-dir", str(index), "--json"]
    done = run_measured(args, fake_model=True)
    assert done.returncode == 3, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"warning: skipped {corpus_copy / 'passwd.txt'}: a symlink to")
    assert json.loads(done.stdout)["documents"] == 1

    shutil.rmtree(index)
    strict = run_measured([*args, "--strict"], fake_model=True)
    assert strict.returncode == 1 and strict.stderr.startswith("error: ")
    assert "passwd.txt: a symlink to" in strict.stderr
    assert not (index / CURRENT).exists()


def test_every_suffix_discovery_finds_has_a_parser_and_no_parser_is_left_unfound() -> None:
    # Two homes on purpose (discovery stays light; the parsers import their libraries), kept
    # equal here: a format added to one and not the other is skipped or read by no one.
    assert GUIDE_SUFFIXES == PARSERS


def test_a_document_of_a_format_not_read_is_skipped_with_how_to_read_it(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    (corpus_copy / "handbook.adoc").write_text("= Handbook\n\nText.\n", encoding="utf-8")
    (corpus_copy / "Old Guide.DOC").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus_copy / "diagram.png").write_bytes(b"\x89PNG")  # beside a guide, not one
    (corpus_copy / ".draft.adoc").write_text("= Draft\n", encoding="utf-8")
    found = discover([corpus_copy])
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert [p.name for p in found.files] == [GUIDE.name]
    assert set(reasons) == {"handbook.adoc", "Old Guide.DOC"}
    assert (
        "unsupported file type '.adoc'; convert it to HTML (asciidoctor)"
        in reasons["handbook.adoc"]
    )
    assert "save it as .docx (guides are .docx," in reasons["Old Guide.DOC"]

    report = run_ingest(fake_settings, embedder=FakeEmbedder())
    assert report.documents == 1
    assert {s.path.name for s in report.skipped} == set(reasons)
    (corpus_copy / "notes.epub").write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match=r"'\.epub'; convert it to \.html or \.pdf"):
        discover([corpus_copy / "notes.epub"])  # named: no guide to read at all
