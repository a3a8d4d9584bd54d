"""PDF guides (pdfplumber) into the structural `Block`s every format maps onto.

A PDF holds positioned text, not structure, so structure is read from cues:
- headings: the outline (bookmarks) when the file has one, else lines set larger than the body;
- list items: lines that start with a bullet or a number, with their wrapped continuation lines;
- tables: ruled tables (pdfplumber's table finder), the first row being the header;
- paragraphs: body lines, broken where the vertical gap grows or a sentence ends a short line.
Encrypted files, files without a text layer (scans) and broken files are refused with a reason;
pages are counted before any is read, and read within the guide's budgets (`ingest.pdf_limits`).
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest.budgets import Guard
from ingest.errors import CorpusError
from ingest.structure import Block

if TYPE_CHECKING:
    from ingest.pdf_limits import PdfBudget

_BULLET = re.compile(r"^(?:[•▪◦‣●\-–*]|\d{1,3}[.)])\s+")
_HEADING_SCALE = 1.15  # a line this much larger than the body text is a heading


@dataclass(frozen=True, slots=True)
class _Line:
    page: int
    top: float
    bottom: float
    size: float
    text: str


@dataclass(frozen=True, slots=True)
class _Table:
    page: int
    top: float
    rows: list[tuple[str, ...]]


def parse_pdf(raw: bytes, guard: Guard) -> list[Block]:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    from ingest.pdf_limits import PdfBudget, bounded_streams, budget_error

    name = guard.name
    budget = PdfBudget(guard)
    try:
        with bounded_streams(budget), _opened(raw) as pdf:
            outline = _outline(pdf, guard)
            lines, tables = _read(pdf, budget)
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types in its own
        if (refusal := budget_error(exc)) is not None:
            raise refusal from None
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise CorpusError(f"{name}: the PDF is encrypted; give an unprotected copy") from exc
        kind = type(cause).__name__ if isinstance(cause, PDFSyntaxError) else type(exc).__name__
        raise CorpusError(f"{name}: not a readable PDF ({kind})") from exc
    if not lines and not tables:
        raise CorpusError(f"{name}: no text layer (a scanned PDF?); give a PDF with text")
    return _blocks(lines, tables, outline, guard)


@contextmanager
def _opened(raw: bytes) -> Iterator[Any]:
    """pdfplumber's PDF of `raw`, let go without `PDF.close()`: that builds every page object
    first, to close each one (a hostile file's 5,000 pages, seconds after the budget refused
    it). `_read` closes each page it reads, and the stream is ours."""
    import pdfplumber

    pdf = pdfplumber.open(io.BytesIO(raw))
    try:
        yield pdf
    finally:
        pdf.flush_cache()


def _outline(pdf: Any, guard: Guard) -> dict[str, int]:
    """Bookmark titles (casefolded) and their levels, if the PDF has an outline."""
    titles: dict[str, int] = {}
    try:
        for level, title, *_ in pdf.doc.get_outlines():
            guard.tick()
            titles[" ".join(str(title).split()).casefold()] = int(level)
    except CorpusError:
        raise
    except Exception:  # no outline: pdfminer raises PDFNoOutlines
        return {}
    return titles


def _pages(pdf: Any) -> Iterator[Any]:
    """pdfminer's pages one at a time (pdfplumber's `pdf.pages` builds all of them first)."""
    from pdfminer.pdfpage import PDFPage

    return iter(PDFPage.create_pages(pdf.doc))


def _read(pdf: Any, budget: PdfBudget) -> tuple[list[_Line], list[_Table]]:
    from ingest.pdf_limits import GuardedPage

    guard = budget.guard
    limit = guard.budgets.pdf_pages
    # Counted first, from the page tree alone: 5,000 empty pages are refused before any is read.
    for count, _ in enumerate(_pages(pdf), start=1):
        guard.tick()
        if count > limit:
            raise guard.over("pdf_pages", f"it runs past {limit:,} pages")
    lines: list[_Line] = []
    tables: list[_Table] = []
    top = 0.0
    for number, page_obj in enumerate(_pages(pdf)):
        guard.tick()
        page = GuardedPage(budget, pdf, page_obj, page_number=number + 1, initial_doctop=top)
        top += float(page.height)
        _read_page(page, number, lines, tables)
        page.close()  # what pdfplumber cached for the page (~2 KB a character) goes now
    return lines, tables


def _read_page(page: Any, number: int, lines: list[_Line], tables: list[_Table]) -> None:
    found = page.find_tables()
    boxes = [t.bbox for t in found]
    for table in found:
        rows = [tuple(" ".join((c or "").split()) for c in row) for row in table.extract()]
        tables.append(_Table(number, table.bbox[1], [r for r in rows if any(r)]))

    def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
        return not any(
            b[0] <= obj["x0"] and obj["x1"] <= b[2] and b[1] <= obj["top"] and obj["bottom"] <= b[3]
            for b in boxes
        )

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        text = " ".join(line["text"].split())
        if not text:
            continue
        sizes = [round(c["size"], 1) for c in line["chars"] if c["text"].strip()]
        size = Counter(sizes).most_common(1)[0][0] if sizes else 0.0
        lines.append(_Line(number, line["top"], line["bottom"], size, text))


def _blocks(
    lines: list[_Line], tables: list[_Table], outline: dict[str, int], guard: Guard
) -> list[Block]:
    body = Counter(line.size for line in lines for _ in line.text).most_common(1)
    body_size = body[0][0] if body else 0.0
    heading_sizes = sorted({ln.size for ln in lines if ln.size > body_size * _HEADING_SCALE},
                           reverse=True)  # fmt: skip
    items: list[tuple[int, float, _Line | _Table]] = [(ln.page, ln.top, ln) for ln in lines]
    items += [(t.page, t.top, t) for t in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if a.page == b.page and b.top > a.bottom]  # fmt: skip
    # Lines of one paragraph sit closest: the lowest quartile of the gaps is the line spacing.
    usual_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0

    blocks = guard.blocks()
    offset = 0
    current: list[str] = []  # the paragraph or list item being gathered
    current_kind = "paragraph"
    previous: _Line | None = None

    def add(kind: Any, text: str, **extra: Any) -> None:
        nonlocal offset
        blocks.append(Block(kind, text, (offset, offset + len(text)), **extra))
        offset += len(text) + 1

    def flush() -> None:
        nonlocal current
        if current:
            add(current_kind, " ".join(current))
            current = []

    for _, _, item in items:
        if isinstance(item, _Table):
            flush()
            for n, row in enumerate(item.rows):
                add("table_row", " | ".join(row), cells=row, header=n == 0)
            previous = None
            continue
        level = _heading_level(item, outline, heading_sizes)
        if level:
            flush()
            add("heading", item.text, level=level)
            previous = None
            continue
        bullet = _BULLET.match(item.text)
        starts_new = (
            previous is None
            or bullet is not None
            or item.page != previous.page
            or item.top - previous.bottom > max(usual_gap * 1.8, 2.0)
        )
        if starts_new:
            flush()
            current_kind = "list_item" if bullet else "paragraph"
        current.append(item.text[bullet.end() :] if bullet else item.text)
        previous = item
    flush()
    return blocks


def _heading_level(line: _Line, outline: dict[str, int], sizes: list[float]) -> int:
    if outline:
        return outline.get(line.text.casefold(), 0)
    return sizes.index(line.size) + 1 if line.size in sizes else 0
