"""Markdown and HTML map onto the same model as plain text; bad files get one clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.discovery import discover
from ingest.errors import CorpusError
from ingest.loaders import load_document
from tests.helpers import FIXTURES


def test_markdown_headings_lists_tables_and_faq() -> None:
    doc = load_document(FIXTURES / "prompt-engineering-guide.md")
    assert doc.id == "prompt-engineering-guide"
    assert doc.title == "Prompt engineering for software developers"
    sections = {s.title: s for s in doc.sections}
    assert list(sections) == [doc.title, "Core techniques", "FAQ"]
    # Hard-wrapped lines join into one paragraph; inline markup is dropped.
    assert (
        sections[doc.title]
        .units[0]
        .text.startswith(
            "Prompt engineering is the craft of writing instructions that make a language model"
        )
    )
    units = sections["Core techniques"].units
    items = [u for u in units if u.kind == "list_item"]
    assert [u.lead for u in items] == ["Good prompts share a few habits:"] * 3
    assert items[1].text == "Give two or three worked examples of the output you want"
    assert items[2].text.endswith("such as JSON when code will read it")
    rows = [u.text for u in units if u.kind == "table_row"]
    assert (
        rows[0] == "Few-shot examples — When it helps: Output format matters; Cost: Longer prompts"
    )
    faq = sections["FAQ"].units
    assert [u.kind for u in faq] == ["faq"]  # the code block is not prose
    assert faq[0].lead == "Do prompt engineers need to know Python?"


def test_html_blocks_and_page_chrome() -> None:
    doc = load_document(FIXTURES / "mlops-primer.html")
    assert doc.title == "MLOps primer for developers"
    sections = {s.title: s for s in doc.sections}
    assert list(sections) == [doc.title, "What MLOps engineers do"]
    units = sections["What MLOps engineers do"].units
    assert [u.kind for u in units] == ["list_item", "list_item", "table_row", "table_row"]
    assert units[0].lead == "The role spans several duties:"
    assert units[2].text == "MLflow — Purpose: Experiment tracking and model registry"
    everything = " ".join(u.text for s in doc.sections for u in s.units)
    for chrome in ("Home", "analyticsBeacon", "cookie", "font-family"):
        assert chrome not in everything


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.md", b"  \n\n ", "file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("latin1.txt", "Caf\u00e9 guide\nSome text.".encode("latin-1"), "not valid UTF-8"),
        ("nothing.html", b"<html><body><nav><li>x</li></nav></body></html>", "no text to index"),
    ],
)
def test_bad_guides_name_the_file_and_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError) as info:
        load_document(path)
    assert name in str(info.value) and reason in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_text_saved_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notepad.txt"  # Windows Notepad saves "Unicode" as UTF-16 with a BOM
    path.write_bytes("Caf\u00e9 guide\nOrders\nCoffee costs three euros.".encode(encoding))
    doc = load_document(path)
    assert doc.title == "Caf\u00e9 guide"
    assert [u.text for u in doc.sections[0].units] == ["Coffee costs three euros."]


def test_a_page_that_declares_its_encoding_is_read_in_it(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head><body><h1>Caf\u00e9</h1>'
        "<h2>Prices</h2><p>Coffee costs \u20ac3.</p></body></html>"
    )
    (tmp_path / "cafe.html").write_bytes(page.encode("cp1252"))
    doc = load_document(tmp_path / "cafe.html")
    assert doc.title == "Caf\u00e9"
    assert [u.text for u in doc.sections[0].units] == ["Coffee costs \u20ac3."]


def test_discover_takes_guides_not_subfolders_or_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\nText.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\nText.", encoding="utf-8")
    (tmp_path / "notes.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "README.md").write_text("# not a guide", encoding="utf-8")
    assert [p.name for p in discover([tmp_path]).files] == ["a.txt", "b.md"]


def test_discover_explains_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no guides in"):
        discover([tmp_path])
    with pytest.raises(CorpusError, match="no such file"):
        discover([tmp_path / "missing.txt"])
    (tmp_path / "x.rtf").write_bytes(b"{\\rtf1 hello}")
    with pytest.raises(CorpusError, match=r"unsupported file type '\.rtf'.*\.docx.*\.pdf"):
        discover([tmp_path / "x.rtf"])
