"""Each budget stops a guide while it is read, in one line naming the budget and its setting."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

import ingest.budgets
import ingest.build
from config.settings import Settings
from ingest.archive import _inflate, checked_package
from ingest.budgets import Budgets, OverBudget, budgets_of
from ingest.build import run_ingest
from ingest.errors import CorpusError
from ingest.loaders import load_document
from ingest.publish import index_lock
from ingest.structure import Document
from retriever.embedding import FakeEmbedder
from retriever.index import load_index
from tests.helpers import write_small_guide
from tests.hostile import _docx, _repeat, empty_pages_pdf

FORMATS = ["txt", "md", "rst", "html", "docx", "pdf"]
# (budget, a value the small guide goes over, what the line says, the setting it names)
OVER = [
    ("sections", 2, "more than 2 sections", "GUIDE_RAG_MAX_SECTIONS"),
    ("guide_chars", 100, "past 100 characters", "GUIDE_RAG_MAX_GUIDE_CHARS"),
    ("chunks", 3, "over the budget of 3", "GUIDE_RAG_MAX_CHUNKS"),
    ("file_seconds", 1e-9, "still being read after 1e-09 s", "GUIDE_RAG_FILE_SECONDS"),
]


def load(path: Path, **budgets: float) -> Document:
    return load_document(path, "guide", replace(Budgets(), **budgets))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("budget", "value", "says", "setting"), OVER)
def test_every_format_stops_at_every_budget(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    budget: str,
    value: float,
    says: str,
    setting: str,
) -> None:
    if budget == "file_seconds":
        # A clock that moves 1 µs each time it is read: the budget passes at the first check.
        # The real clock can read the same twice in a row (a VM's), and then a small guide is
        # read whole within 1 ns as far as it can tell.
        ticks = iter(range(10**9))
        clock = SimpleNamespace(monotonic=lambda: next(ticks) * 1e-6)
        monkeypatch.setattr(ingest.budgets, "time", clock)
    path = write_small_guide(fmt, tmp_path / "small")
    assert load(path).sections  # within the defaults
    with pytest.raises(OverBudget) as info:
        load(path, **{budget: value})
    message = str(info.value)
    assert message.startswith(f"{path}: ") and message.endswith(f"({setting})")
    # A PDF counts characters drawn; reStructuredText its markup first, before docutils runs.
    if not (fmt in ("pdf", "rst") and budget == "guide_chars"):
        assert says in message
    assert "\n" not in message


def test_a_pdf_is_let_go_without_building_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pdfplumber's `PDF.pages` builds an object for every page of the file (`close()` asks for
    # it): after the page budget refused a hostile file, that would read all its pages anyway.
    import pdfplumber.pdf

    def built(pdf: object) -> None:
        raise AssertionError("PDF.pages built every page")

    monkeypatch.setattr(pdfplumber.pdf.PDF, "pages", property(built))
    with pytest.raises(OverBudget, match="GUIDE_RAG_MAX_PDF_PAGES"):
        load(empty_pages_pdf(tmp_path / "pages.pdf", pages=3), pdf_pages=2)
    assert load(write_small_guide("pdf", tmp_path / "small")).sections


def test_pdf_pages_and_streams(tmp_path: Path) -> None:
    pages = empty_pages_pdf(tmp_path / "pages.pdf", pages=3)
    with pytest.raises(OverBudget, match=r"runs past 2 pages \(GUIDE_RAG_MAX_PDF_PAGES\)"):
        load(pages, pdf_pages=2)
    guide = write_small_guide("pdf", tmp_path / "small")
    with pytest.raises(OverBudget, match=r"unpacks past 100 bytes \(GUIDE_RAG_MAX_PART_BYTES\)"):
        load(guide, part_bytes=100)
    with pytest.raises(OverBudget, match="its pages draw more than 100 characters"):
        load(guide, guide_chars=100)
    table = write_small_guide("pdf", tmp_path / "table")  # its table is drawn with lines
    with pytest.raises(OverBudget, match=r"draws more than 2 shapes \(GUIDE_RAG_MAX_PDF_SHAPES\)"):
        load(table, pdf_shapes=2)


def test_docx_parts_are_refused_by_declared_size_or_together(tmp_path: Path) -> None:
    guide = write_small_guide("docx", tmp_path / "small")
    declared = r"word/styles\.xml declares [\d,]{7} bytes unpacked, over the budget of 50,000"
    with pytest.raises(OverBudget, match=declared):
        load(guide, part_bytes=50_000)  # python-docx writes a styles.xml of some 350 KB
    big = _docx(tmp_path / "big.docx", _repeat(b"<w:p><w:r><w:t>Pay.</w:t></w:r></w:p>", 20_000))
    with pytest.raises(OverBudget, match="its XML parts unpack past 1,200,000 bytes together"):
        load(big, part_bytes=1_200_000)


def test_a_part_is_inflated_a_piece_at_a_time_and_stopped_at_the_limit() -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:p/>" * 1_000_000)
    guard = replace(Budgets(), part_bytes=1_500_000).start("lying.docx")
    with zipfile.ZipFile(raw) as package, pytest.raises(OverBudget, match="unpacks past 1,5"):
        _inflate(package, package.infolist()[0], guard, room=1_500_000)


def test_a_member_lying_about_its_size_is_refused_not_trusted(tmp_path: Path) -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:p/>" * 1_000_000)
    data = bytearray(raw.getvalue())
    central = data.rfind(b"PK\x01\x02")  # its entry in the central directory: size at +24
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    lying = tmp_path / "lying.docx"
    lying.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match=r"not a readable \.docx") as info:
        load(lying)
    assert not isinstance(info.value, OverBudget)  # zipfile stops at the declared size


def test_an_archive_member_named_outside_the_package_is_refused(tmp_path: Path) -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as package:
        package.writestr("../../etc/cron.d/evil.xml", b"<x/>")
    guard = Budgets().start("evil.docx")
    with pytest.raises(CorpusError, match=r"member '\.\./\.\./etc/cron\.d/evil\.xml' points"):
        checked_package(raw.getvalue(), guard)


def test_long_markdown_lines_parse_in_linear_time(tmp_path: Path) -> None:
    # `*a *a …` and `[a[a …` made the old inline patterns rescan the line from every delimiter
    # (48,000 characters: 8 s), and a heading or list item with a long run of spaces inside
    # retried its tail at every space (20,000: minutes); footnote marks "[^[^[^…" took 28 s for
    # 50,000 before their pattern stopped at a bracket; MDX comments that never close, "{/*{/*…",
    # and an import line that never names where from, are read once.
    path = tmp_path / "long.md"
    line = (
        "*a " * 10_000 + "[a" * 10_000 + "](" * 5_000 + "[^" * 10_000 + "{#" * 5_000 + ":a" * 5_000
    )
    line = f"{line}\n\n{'{/*' * 10_000}\n\nimport {'a ' * 20_000}"
    path.write_text(f"# Long\n\n{line}\n\n- a{' ' * 40_000}b\n\n# a{' ' * 40_000}b\n", "utf-8")
    doc = load(path)
    assert doc.sections[0].units[0].text.startswith("*a *a")


def test_quadratic_html_stops_at_the_deadline(tmp_path: Path) -> None:
    # Python's HTMLParser spends ~30 s on 20,000 unclosed "<a " here; the deadline ends it.
    path = tmp_path / "slow.html"
    path.write_text("<p>Pay.</p>" + "<a " * 20_000, encoding="utf-8")
    with pytest.raises(OverBudget, match=r"still being read after 0\.5 s"):
        load(path, file_seconds=0.5)


def test_malformed_html_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<p>Pay.</p><![<![<![", encoding="utf-8")
    with pytest.raises(CorpusError, match="not readable HTML"):
        load(path)


def test_a_guide_making_too_many_chunks_is_skipped_and_the_rest_published(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    # One list item of 400 short sentences after a long intro: every chunk repeats the intro,
    # so a single passage becomes over a hundred chunks.
    intro = " ".join(["Read"] * 118) + ":"
    (corpus_copy / "lead.md").write_text(
        f"# Lead\n\n{intro}\n\n- {'Go now. ' * 400}\n", encoding="utf-8"
    )
    settings = fake_settings.override(max_chunks=70)  # the shipped guide has 59
    report = run_ingest(settings, embedder=FakeEmbedder())
    (skipped,) = report.skipped
    assert "lead.md: it makes more than 70 chunks (GUIDE_RAG_MAX_CHUNKS)" in skipped.reason
    assert [d.id for d in load_index(settings.paths.index).manifest.documents] == [
        "ai-vs-ml-engineering-career-guide"
    ]
    with pytest.raises(OverBudget, match=r"lead\.md: it makes more than 70"):
        run_ingest(settings, embedder=FakeEmbedder(), strict=True)


def test_guides_are_read_before_the_index_lock_is_taken(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_while_parsing: list[bool] = []
    load_document = ingest.build.load_document

    def parse_and_probe(*args: object, **kwargs: object) -> Document:
        with index_lock(fake_settings.paths.index):  # refused if the ingest held it
            free_while_parsing.append(True)
        return load_document(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest.build, "load_document", parse_and_probe)
    run_ingest(fake_settings, embedder=FakeEmbedder())
    assert free_while_parsing == [True]


def test_budgets_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert budgets_of(Settings()) == Budgets()
    for name, value in [
        ("GUIDE_RAG_MAX_PART_BYTES", "123"),
        ("GUIDE_RAG_MAX_GUIDE_CHARS", "456"),
        ("GUIDE_RAG_MAX_SECTIONS", "7"),
        ("GUIDE_RAG_MAX_CHUNKS", "89"),
        ("GUIDE_RAG_MAX_PDF_PAGES", "10"),
        ("GUIDE_RAG_MAX_PDF_SHAPES", "11"),
        ("GUIDE_RAG_FILE_SECONDS", "2.5"),
    ]:
        monkeypatch.setenv(name, value)
    assert budgets_of(Settings()) == Budgets(123, 456, 7, 89, 10, 11, 2.5)
