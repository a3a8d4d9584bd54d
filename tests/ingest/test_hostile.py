"""Hostile guides through the real `guide-rag ingest`: each is stopped by a budget and skipped in
one line naming it, nothing of it is published, and ingest's peak RSS stays under 1 GB."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retriever.index import CURRENT, load_index
from tests.helpers import GUIDE
from tests.hostile import HOSTILE, made_once, run_measured

MAX_RSS_MB = 1024
STOPPED_BY = {
    "unpack-bomb.docx": "GUIDE_RAG_MAX_PART_BYTES",  # 1 MB that unpacks to 1.1 GB
    "headings.docx": "GUIDE_RAG_MAX_SECTIONS",  # 2,500 headings
    "repeated.docx": "GUIDE_RAG_MAX_CHUNKS",  # 30,000 paragraphs
    "empty-pages.pdf": "GUIDE_RAG_MAX_PDF_PAGES",  # 5,000 pages
    "dense-page.pdf": "GUIDE_RAG_MAX_GUIDE_CHARS",  # one page drawing 300,000 characters
    "shapes.pdf": "GUIDE_RAG_MAX_PDF_SHAPES",  # one page of 80,000 rectangles
    "stream-bomb.pdf": "GUIDE_RAG_MAX_PART_BYTES",  # a page stream inflating to 1 GB
    "nested.html": "GUIDE_RAG_MAX_GUIDE_CHARS",  # 100,000 nested <div>s
    "substitutions.rst": "GUIDE_RAG_MAX_GUIDE_CHARS",  # 130 KB expanding to 160 MB
}


@pytest.fixture(scope="session")
def hostile(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    # Made once per version of their makers and kept in pytest's cache: the two bombs take
    # seconds of zlib each. An empty cache (a clean clone) makes them from nothing, and so does
    # a run without one (-p no:cacheprovider).
    cache = getattr(pytestconfig, "cache", None)
    return made_once(Path(cache.mkdir("hostile")) if cache else tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_is_covered() -> None:
    assert set(STOPPED_BY) == set(HOSTILE)


@pytest.mark.parametrize("name", list(STOPPED_BY))
def test_a_hostile_guide_alone_is_refused_in_one_line(
    name: str, hostile: dict[str, Path], tmp_path: Path
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(hostile[name], corpus / name)
    done = run_measured(["ingest", str(corpus), "--index-dir", str(index)], fake_model=True)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: no usable guide to ingest: {corpus / name}: ")
    assert line.endswith(f"({STOPPED_BY[name]})")
    assert done.peak_rss_mb < MAX_RSS_MB, f"{name}: peak RSS {done.peak_rss_mb:.0f} MB"
    assert not (index / CURRENT).exists()


# One of each format, the cheap ones: each file's own stop is checked above.
BESIDE = ("unpack-bomb.docx", "headings.docx", "stream-bomb.pdf", "nested.html")


def test_hostile_guides_beside_a_good_one_are_skipped_and_the_good_one_published(
    hostile: dict[str, Path], tmp_path: Path
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(GUIDE, corpus / GUIDE.name)
    for name in BESIDE:
        shutil.copy(hostile[name], corpus / name)
    args = ["ingest", str(corpus), "--index-dir", str(index), "--json"]
    done = run_measured(args, fake_model=True)
    assert done.returncode == 3, done.stderr  # published, with skipped guides
    warnings = done.stderr.strip().splitlines()
    assert len(warnings) == len(BESIDE)
    for name in BESIDE:
        (line,) = [w for w in warnings if w.startswith(f"warning: skipped {corpus / name}: ")]
        assert line.endswith(f"({STOPPED_BY[name]})")
    assert done.peak_rss_mb < MAX_RSS_MB, f"peak RSS {done.peak_rss_mb:.0f} MB"
    report = json.loads(done.stdout)
    assert report["documents"] == 1 and len(report["skipped"]) == len(BESIDE)
    documents = load_index(index).manifest.documents
    assert [d.id for d in documents] == ["ai-vs-ml-engineering-career-guide"]
