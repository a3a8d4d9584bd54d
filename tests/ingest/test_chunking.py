"""The structure-aware chunker on the shipped guide (fake token counts, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.loaders import load_document
from retriever.types import Chunk
from tests.helpers import GUIDE

SECTIONS = [
    "Key takeaways",
    "Understanding AI engineering and machine learning engineering",
    "Key differences in skills, tools, and responsibilities",
    "Career growth opportunities and market demand in AI and ML fields",
    "How to transition or specialize effectively in AI or ML engineering",
    "Advance your AI and ML engineering career",
    "FAQ",
    "Recommended",
]
TITLE = "AI engineering vs ML engineering career guide for devs"


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture
def chunks() -> list[Chunk]:
    return chunk_document(load_document(GUIDE), words, max_tokens=128)


def test_title_and_every_section_heading_exact() -> None:
    doc = load_document(GUIDE)
    assert doc.title == TITLE
    titles = [s.title for s in doc.sections]
    for heading in SECTIONS:
        assert heading in titles
    # The headings keep their order; the preamble and the table of contents come first.
    assert [t for t in titles if t in SECTIONS] == SECTIONS
    assert titles[:2] == [TITLE, "Table of Contents"]


def test_navigation_is_structure_not_content(chunks: list[Chunk]) -> None:
    doc = load_document(GUIDE)
    nav = {s.title for s in doc.sections if s.navigation}
    assert nav == {"Table of Contents", "Recommended"}
    assert "AI Product Engineer Career Path Guide" in doc.related
    assert not {c.section for c in chunks} & nav
    assert not any(c.text == "Key takeaways" for c in chunks)


def test_chunks_never_cross_sections_and_keep_reading_order(chunks: list[Chunk]) -> None:
    doc = load_document(GUIDE)
    order = [s.title for s in doc.sections]
    seen = [order.index(c.section) for c in chunks]
    assert seen == sorted(seen)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert all(c.document_title == TITLE and c.document_id for c in chunks)


def test_table_rows_keep_their_column_headers(chunks: list[Chunk]) -> None:
    rows = {c.text.split(" — ")[0]: c for c in chunks if c.kind == "table_row"}
    assert rows["Mathematics"].text == (
        "Mathematics — AI engineering emphasis: Basic linear algebra, probability for "
        "understanding models; ML engineering emphasis: Advanced statistics, calculus, "
        "optimization theory"
    )
    assert rows["Mathematics"].section == "Key differences in skills, tools, and responsibilities"
    assert rows["Dual skill advantage"].text.startswith("Dual skill advantage — Details: Learning")
    assert len(rows) == 8  # 4 takeaways + 4 skill categories; header rows are not chunks


def test_list_items_keep_the_sentence_introducing_the_list(chunks: list[Chunk]) -> None:
    items = [c for c in chunks if c.text.startswith("ML engineering career paths often lead to:")]
    assert len(items) == 4
    assert items[1].text == (
        "ML engineering career paths often lead to:\n"
        "- Research scientist positions exploring novel algorithms and techniques"
    )
    assert all(c.kind == "list_item" for c in items)
    # The intro line is carried by its items, not indexed alone.
    assert not any(c.text == "ML engineering career paths often lead to:" for c in chunks)


def test_faq_question_and_answer_stay_together(chunks: list[Chunk]) -> None:
    faq = [c for c in chunks if c.section == "FAQ"]
    assert len(faq) == 4 and all(c.kind == "faq" for c in faq)
    first = faq[0].text.split("\n")
    assert first[0] == "What educational background is best for AI and ML engineering?"
    assert first[1].startswith("Most AI and ML engineers hold degrees in computer science")


def test_spans_point_back_into_the_file(chunks: list[Chunk], guide_text: str) -> None:
    for chunk in chunks:
        start, end = chunk.span
        source = guide_text[start:end]
        assert 0 <= start < end <= len(guide_text)
        if chunk.kind == "table_row":
            assert source.startswith("|") and chunk.text.split(" — ")[0] in source
        elif chunk.kind == "faq":
            question, answer = chunk.text.split("\n", 1)
            assert source.startswith(question) and source.endswith(answer)
        else:
            assert chunk.text.endswith(source), chunk.id


def test_ids_are_stable_across_runs_and_unique(chunks: list[Chunk]) -> None:
    again = chunk_document(load_document(GUIDE), words, max_tokens=128)
    assert [c.id for c in again] == [c.id for c in chunks]
    assert len({c.id for c in chunks}) == len(chunks)


def test_ids_follow_content_not_position(tmp_path: Path, chunks: list[Chunk]) -> None:
    edited = tmp_path / GUIDE.name
    text = GUIDE.read_text(encoding="utf-8")
    edited.write_text(
        text.replace("FAQ\nWhat educational", "FAQ\nA new first paragraph.\nWhat educational"),
        encoding="utf-8",
    )
    after = chunk_document(load_document(edited), words, max_tokens=128)
    assert {c.id for c in chunks} <= {c.id for c in after}
    assert len(after) == len(chunks) + 1


def test_long_units_split_at_sentence_boundaries_within_the_window() -> None:
    doc = load_document(GUIDE)
    small = chunk_document(doc, words, max_tokens=40)
    assert all(words(c.embed_text) <= 40 or c.text.count(". ") == 0 for c in small)
    whole = chunk_document(doc, words, max_tokens=128)
    assert len(small) > len(whole)
    for chunk in small:
        if chunk.kind == "paragraph":
            assert chunk.text[-1] in ".”?!", chunk.text  # ends on a sentence boundary
    faq = [c for c in small if c.kind == "faq"]
    assert all(c.text.split("\n")[0].endswith("?") for c in faq)  # each piece keeps its question
