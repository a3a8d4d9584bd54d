"""PDF guides (pdfplumber) into the structural `Block`s every format maps onto.

A PDF holds positioned text, not structure, so structure is read from cues:
- headings: the outline (bookmarks) when the file has one, else lines set larger than the body,
  then short lines set in bold at the body's size (a browser prints an h4 so, Word a Heading 4);
  a heading that wraps is one heading;
- list items: lines that start with a bullet or a number, or that a small drawn mark (how
  browsers and word processors print bullets) precedes, with their wrapped continuation lines;
- tables: ruled ones (pdfplumber's table finder), the first row the header; and unruled ones
  under a bold header (`ingest.pdf_grid`);
- paragraphs: body lines, broken where the vertical gap grows or the text moves left of a list
  item; one that a page break cuts mid-sentence goes on over the break, a word hyphenated at a
  line's end is one word (`ingest.pdf_words`);
- running headers and footers (the same line at one height on most pages) are left out.
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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ingest.budgets import Guard
from ingest.errors import CorpusError
from ingest.pdf_grid import unruled_tables
from ingest.pdf_lines import (
    WORD_GAP,
    Line,
    page_lines,
    without_code,
    without_contents_lines,
    without_running_lines,
)
from ingest.pdf_outline import bookmarked, read_outline
from ingest.pdf_words import joined, phantom_spaces, vocabulary
from ingest.structure import Block
from retriever.text import ends_sentence

if TYPE_CHECKING:
    from ingest.pdf_limits import PdfBudget

# Bullets as characters (typographic ones, Google Docs' ● ○ ■, Word's Symbol and Wingdings glyphs
# at private-use code points); numbers, LibreOffice's "12.Upload" too (its tab reads as none).
_NUMBER = r"\d{1,3}[.)](?:\s+|(?=[A-Z]))"
_BULLET = re.compile(rf"^(?:[•▪◦‣●○■□▫►➢✓\uf0a7\uf0b7\uf0d8\uf076\-–*]\s+|{_NUMBER})")
_HEADING_SCALE = 1.15  # a line this much larger than the body text is a heading
_HEADING_WORDS = 14  # a bold line of the body's size longer than this is emphasis, not a heading


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
            outline = read_outline(pdf, guard)
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


def _pages(pdf: Any) -> Iterator[Any]:
    """pdfminer's pages one at a time (pdfplumber's `pdf.pages` builds all of them first)."""
    from pdfminer.pdfpage import PDFPage

    return iter(PDFPage.create_pages(pdf.doc))


def _read(pdf: Any, budget: PdfBudget) -> tuple[list[Line], list[_Table]]:
    from ingest.pdf_limits import GuardedPage

    guard = budget.guard
    limit = guard.budgets.pdf_pages
    # Counted first, from the page tree alone: 5,000 empty pages are refused before any is read.
    for count, _ in enumerate(_pages(pdf), start=1):
        guard.tick()
        if count > limit:
            raise guard.over("pdf_pages", f"it runs past {limit:,} pages")
    lines: list[Line] = []
    tables: list[_Table] = []
    top = 0.0
    for number, page_obj in enumerate(_pages(pdf)):
        guard.tick()
        page = GuardedPage(budget, pdf, page_obj, page_number=number + 1, initial_doctop=top)
        top += float(page.height)
        _read_page(page, number, lines, tables)
        page.close()  # what pdfplumber cached for the page (~2 KB a character) goes now
    return lines, tables


def _read_page(page: Any, number: int, lines: list[Line], tables: list[_Table]) -> None:
    found = page.find_tables()
    boxes = [t.bbox for t in found]
    for table in found:
        rows = [
            tuple(" ".join((c or "").split()) for c in row)
            for row in table.extract(x_tolerance_ratio=WORD_GAP)
        ]
        tables.append(_Table(number, table.bbox[1], [r for r in rows if any(r)]))

    phantom = phantom_spaces(page.chars)

    def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
        return id(obj) not in phantom and not any(
            b[0] <= obj["x0"] and obj["x1"] <= b[2] and b[1] <= obj["top"] and obj["bottom"] <= b[3]
            for b in boxes
        )

    text_page = page.filter(outside) if boxes or phantom else page
    lines += page_lines(page, text_page, number)


def _blocks(
    lines: list[Line], tables: list[_Table], outline: dict[str, int], guard: Guard
) -> list[Block]:
    lines, grids = unruled_tables(
        without_code(without_contents_lines(without_running_lines(lines)))
    )
    tables = [*tables, *(_Table(page, top, rows) for page, top, rows in grids)]
    close = _block_gap(lines)
    words = vocabulary([line.text for line in lines])
    items = _with_tables(_leveled(lines, outline, close), tables)

    blocks = guard.blocks()
    offset = 0
    current: list[str] = []  # the paragraph or list item being gathered
    current_kind = "paragraph"
    previous: Line | None = None
    indent = 0.0  # where the current list item's text starts

    def add(kind: Any, text: str, **extra: Any) -> None:
        nonlocal offset
        blocks.append(Block(kind, text, (offset, offset + len(text)), **extra))
        offset += len(text) + 1

    def flush() -> None:
        nonlocal current
        if current:
            add(current_kind, joined(current, words))
            current = []

    for item in items:
        if isinstance(item, _Table):
            flush()
            for n, row in enumerate(item.rows):
                add("table_row", " | ".join(row), cells=row, header=n == 0)
            previous = None
            continue
        line, level = item
        if level:
            flush()
            add("heading", line.text, level=level)
            previous = None
            continue
        bullet = _BULLET.match(line.text)
        starts_item = bullet is not None or line.marked
        if previous is None or starts_item:
            starts_new = True
        elif line.page != previous.page:
            # Over a page break a block goes on only mid-sentence, at the same indent and size.
            starts_new = ends_sentence(previous.text) or abs(
                line.x0 - previous.x0) > 2.0 or line.size != previous.size  # fmt: skip
        elif line.top < previous.top:  # up to the next column: mid-sentence, the block goes on
            starts_new = ends_sentence(previous.text) or line.size != previous.size
        else:
            starts_new = line.top - previous.bottom > close or (
                current_kind == "list_item" and line.x0 < indent - 2.0)  # fmt: skip
        if starts_new:
            flush()
            current_kind = "list_item" if starts_item else "paragraph"
            indent = line.x0
        current.append(line.text[bullet.end() :] if bullet else line.text)
        previous = line
    flush()
    return blocks


def _with_tables(
    lines: list[tuple[Line, int]], tables: list[_Table]
) -> list[tuple[Line, int] | _Table]:
    """The lines in reading order (a column's before the next), each table before the first line
    below it on its page."""
    waiting = sorted(tables, key=lambda t: (t.page, t.top))
    items: list[tuple[Line, int] | _Table] = []
    for line, level in lines:
        while waiting and (waiting[0].page, waiting[0].top) < (line.page, line.top):
            items.append(waiting.pop(0))
        items.append((line, level))
    return items + waiting


def _block_gap(lines: list[Line]) -> float:
    """A gap between lines wider than this starts a new block. Lines of one paragraph sit
    closest: the lowest quartile of the gaps is the line spacing."""
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if a.page == b.page and b.top > a.bottom]  # fmt: skip
    usual_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    return max(usual_gap * 1.8, 2.0)


def _leveled(lines: list[Line], outline: dict[str, int], close: float) -> list[tuple[Line, int]]:
    """Each line with its heading level (0: text), a heading set on two lines as one."""
    merged: list[tuple[Line, int]] = []
    for line, level in zip(lines, _levels(lines, outline), strict=True):
        if merged and level and merged[-1][1] == level:
            last = merged[-1][0]
            if (
                last.page == line.page
                and last.size == line.size
                and line.top - last.bottom <= close
            ):
                text = f"{last.text} {line.text}"
                merged[-1] = (replace(last, bottom=line.bottom, text=text), level)
                continue
        merged.append((line, level))
    return merged


def _levels(lines: list[Line], outline: dict[str, int]) -> list[int]:
    """Heading levels from the outline when the PDF has one; else the sizes larger than the
    body's, largest first, then short bold lines at the body's size where the body is not bold."""
    if outline:
        return bookmarked(lines, outline)
    body = Counter(line.size for line in lines for _ in line.text).most_common(1)
    body_size = body[0][0] if body else 0.0
    sizes = sorted({ln.size for ln in lines if ln.size > body_size * _HEADING_SCALE}, reverse=True)
    body_lines = [ln for ln in lines if ln.size == body_size]
    bold_stands_out = sum(ln.bold for ln in body_lines) * 2 < len(body_lines)

    def level(line: Line) -> int:
        if line.size in sizes:
            return sizes.index(line.size) + 1
        bold_heading = (
            bold_stands_out
            and line.bold
            and line.size == body_size
            and not line.marked
            and len(line.text.split()) <= _HEADING_WORDS
            and not _BULLET.match(line.text)
            and not ends_sentence(line.text)  # a sentence set in bold, or a FAQ's question
        )
        return len(sizes) + 1 if bold_heading else 0

    return [level(ln) for ln in lines]
