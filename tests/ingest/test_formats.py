"""PDF, Word and reStructuredText guides: the same structure as text, Markdown and HTML; bad
files skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.build import run_ingest
from ingest.chunking import chunk_document
from ingest.loaders import load_document
from retriever.embedding import Embedder, FakeEmbedder
from retriever.qa import QA
from tests.helpers import (
    SMALL_GUIDE,
    SMALL_TITLE,
    fake_settings_for,
    real_settings_for,
    write_small_guide,
)

FORMATS = ["txt", "md", "rst", "html", "ipynb", "docx", "pdf"]


def chunks_of(path: Path) -> tuple[list[str], list[str]]:
    doc = load_document(path, "small")
    chunks = chunk_document(doc, FakeEmbedder().count_tokens, 128)
    return [s.title for s in doc.sections], [c.text for c in chunks]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_sections_and_chunks(fmt: str, tmp_path: Path) -> None:
    sections, chunks = chunks_of(write_small_guide(fmt, tmp_path / "small"))
    reference_sections, reference = chunks_of(write_small_guide("md", tmp_path / "reference"))
    assert sections == reference_sections == [title for title, _ in SMALL_GUIDE]
    same = len(set(chunks) & set(reference)) / len(set(chunks) | set(reference))
    assert same >= 0.9, (chunks, reference)
    assert load_document(write_small_guide(fmt, tmp_path / "again"), "x").title == SMALL_TITLE


def test_pdf_headings_come_from_font_sizes_without_an_outline(tmp_path: Path) -> None:
    sections, chunks = chunks_of(write_small_guide("pdf", tmp_path / "plain", outline=False))
    assert sections == [title for title, _ in SMALL_GUIDE]
    assert "Their week usually includes:\n- Writing data quality checks" in chunks
    assert any(c.startswith("SQL — Junior: Joins and window functions") for c in chunks)


def _encrypted_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "A locked guide about pay.")
    pdf.output(str(path))
    return path


def _scanned_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    picture = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(picture)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=100)
    pdf.output(str(path))
    picture.unlink()
    return path


def test_unreadable_pdfs_and_docx_are_skipped_with_a_reason(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_small_guide("md", corpus / "good")
    _encrypted_pdf(corpus / "locked.pdf")
    _scanned_pdf(corpus / "scan.pdf")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not a zip either")
    settings = fake_settings_for(tmp_path, corpus_dir=corpus)
    report = run_ingest(settings, embedder=FakeEmbedder())
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert report.documents == 1 and set(reasons) == {
        "locked.pdf",
        "scan.pdf",
        "broken.pdf",
        "broken.docx",
    }
    assert "encrypted" in reasons["locked.pdf"]
    assert "no text layer" in reasons["scan.pdf"]
    assert "not a readable PDF" in reasons["broken.pdf"]
    assert "not a readable .docx" in reasons["broken.docx"]


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_question_is_answered_from_the_pdf_or_docx_with_its_citation(
    fmt: str, tmp_path: Path, real_embedder: Embedder
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_small_guide(fmt, corpus / "primer")
    settings = real_settings_for(tmp_path, corpus_dir=corpus)
    run_ingest(settings, embedder=real_embedder)
    qa = QA.load(settings.serving(), embedder=real_embedder)
    pay = qa.ask("What do entry-level data engineers earn?")
    assert "$85,000 to $110,000" in pay.text
    assert (pay.citations[0].document, pay.citations[0].section) == ("primer", "Pay")
    sql = qa.ask("What SQL skills does a senior data engineer need?")
    assert sql.citations[0].section == "Skills and tools" and "Query planning" in sql.text
    shutil.rmtree(corpus)
