"""The text lines of a PDF page with the cues structure is read from: the size of their type,
whether it is bold, whether a small drawn mark (a bullet) stands just left of them; which lines
are running headers or footers rather than text; and, on a page set in two columns, the order
they are read in.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.IGNORECASE)  # in a font's name
# A monospaced face, by its name (Courier New, DejaVu Sans Mono, Consolas, LaTeX's CMTT and
# LMMono): what a browser, a word processor or LaTeX sets code in.
_MONO = re.compile(
    r"mono|courier|consol|menlo|monaco|cmtt|inconsolata|sourcecode|typewriter|fixedsys",
    re.IGNORECASE,
)
# Points: a bullet drawn as a shape (a browser's disc, a word processor's square) is smaller.
_MARK_SIZE = 8.0
# A gap this many times the type's size between two characters of a line may be a gutter.
_GUTTER = 2.0
_COLUMN_LINES = 3  # line pieces on either side of a gutter, at least
_CROSSING_SHARE = 0.25  # of the pieces: at most this many run across it (titles, text below)
_COLUMN_WIDTH = 0.2  # of the page: the median piece on either side is this wide (a column's)
# Of the type's size: a gap this wide parts two words. pdfplumber is told so
# (`x_tolerance_ratio`), not left with its fixed 3 points: a typesetter (TeX, DocBook's FOP)
# draws no space character and sets words 0.25 em apart, 2.5 points in 10-point type, and every
# word of such a guide ran into the next ("Thisisversion0.21oftheSharedMIME-infoDatabase").
WORD_GAP = 0.15
_BELOW_LINES = 2  # a heading below the columns, over text across the page: this many lines
# Of the pages: a line at one height on as many of them (its numbers aside) is a header or footer.
_RUNNING_SHARE = 0.5
# A line that says nothing but which page it is on, as headers and footers print it: a number,
# or a roman numeral up to 399 ("xii"; not "ill" or "civic", a paragraph's last word).
_PAGE_NUMBER = re.compile(
    r"^\W*(?:page\s+)?(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:of|/)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\d+\b|\b\d+$")
_LEADERS = re.compile(r"(?:\.\s?){5,}")  # ". . . . ." or "....." between a title and its page
# A glyph the font maps to no character: pdfminer writes its code ("Copyright (cid:13)c").
_NO_CHARACTER = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True, slots=True)
class Line:
    page: int
    top: float
    bottom: float
    size: float
    text: str
    x0: float = 0.0
    bold: bool = False  # every character set in a bold face
    marked: bool = False  # a small drawn mark (a bullet) stands just left of it
    mono: bool = False  # every character set in a monospaced face: a line of code
    # The line's words, (x0, x1, text) each, where it has two or more: the cells of a table row
    # drawn without rules are read from them (ingest.pdf_grid).
    words: tuple[tuple[float, float, str], ...] = ()


def page_lines(page: Any, text_page: Any, number: int) -> list[Line]:
    """The lines of `text_page` (the page, tables left out) in reading order; `page` has the
    drawn shapes. Where the page is set in two columns, the left column's lines come before
    the right one's (sorted by height, or read across the gutter, they would interleave)."""
    marks = [(o["x1"], o["top"], o["bottom"]) for o in (*page.curves, *page.rects) if _mark(o)]
    found = text_page.extract_text_lines(return_chars=True, x_tolerance_ratio=WORD_GAP)
    runs = [[c for c in line["chars"] if c["text"].strip()] for line in found]
    pieces = [_pieces(run) for run in runs]  # each line cut at its wide gaps, once
    gutter = _gutter([piece for cut in pieces for piece in cut], float(page.width))
    lines: list[Line] = []
    column: list[tuple[int, Line]] = []  # (side, line) while in a stretch set in columns

    def end_column(below: bool = False) -> None:
        left = [line for side, line in column if side == 0]
        right = [line for side, line in column if side == 1]
        cut = len(left) - (_below(left, right) if below else 0)
        lines.extend([*left[:cut], *right, *left[cut:]])
        column.clear()

    for found_line, run, cut in zip(found, runs, pieces, strict=True):
        text = " ".join(_NO_CHARACTER.sub("", found_line["text"]).split())
        if not text:
            continue
        box = (float(found_line["x0"]), float(found_line["top"]), float(found_line["bottom"]))
        if gutter is None or any(lo < gutter < hi for lo, hi in cut):  # across the gutter
            end_column(below=gutter is not None)
            lines.append(_line(number, text, run, box, marks))
            continue
        left = [c for c in found_line["chars"] if float(c["x1"]) <= gutter]
        right = [c for c in found_line["chars"] if float(c["x0"]) >= gutter]
        if not left or not right:  # the line stands in one column
            column.append((0 if left else 1, _line(number, text, run, box, marks)))
            continue
        for side, chars in ((0, left), (1, right)):  # two lines at one height, one a column
            seen = [c for c in chars if c["text"].strip()]
            words = " ".join(w["text"] for w in _words(chars))
            if seen and words:
                box = (min(float(c["x0"]) for c in seen), min(float(c["top"]) for c in seen),
                       max(float(c["bottom"]) for c in seen))  # fmt: skip
                column.append((side, _line(number, words, seen, box, marks)))
    end_column()
    return lines


def _below(left: list[Line], right: list[Line]) -> int:
    """How many of the left column's last lines stand below both columns, over the text that runs
    across the page after them: a short heading ("Closing") set apart, by a wider space than any
    within the column, under the right column's end. Read with the left column, it would take
    the right one into its section."""
    if len(left) < 2 or not right:
        return 0
    bottom = max(line.bottom for line in right)
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(left)]
    for tail in range(1, min(_BELOW_LINES, len(left) - 1) + 1):
        gap, others = gaps[-tail], gaps[:-tail]
        apart = gap >= 1.5 * left[-tail - 1].size and all(g < gap for g in others)
        if apart and left[-tail].top > bottom:
            return tail
    return 0


def _words(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from pdfplumber.utils.text import extract_words

    return extract_words(chars, x_tolerance_ratio=WORD_GAP)


def _line(
    number: int,
    text: str,
    chars: list[dict[str, Any]],
    box: tuple[float, float, float],
    marks: list[Any],
) -> Line:
    """A Line of `text`, set in `chars` (its visible characters), at `box` (x0, top, bottom)."""
    x0, top, bottom = box
    sizes = [round(c["size"], 1) for c in chars]
    size = Counter(sizes).most_common(1)[0][0] if sizes else 0.0
    marked = any(
        0.0 <= x0 - right <= 3 * max(size, 1.0) and mark_top < bottom and mark_bottom > top
        for right, mark_top, mark_bottom in marks
    )
    fonts = [str(c.get("fontname", "")) for c in chars]
    bold = bool(fonts) and all(_BOLD.search(f) for f in fonts)
    mono = bool(fonts) and all(_MONO.search(f) for f in fonts)
    return Line(number, top, bottom, size, text, x0, bold=bold, marked=marked, mono=mono,
                words=_line_words(chars, size))  # fmt: skip


def _line_words(chars: list[dict[str, Any]], size: float) -> tuple[tuple[float, float, str], ...]:
    from pdfplumber.utils.text import extract_words

    # Words apart at any visible space (the default tolerance of 3 points joins "People's
    # Republic" of a 12-point table cell into one word).
    found = extract_words(chars, x_tolerance=WORD_GAP * max(size, 1.0)) if chars else []
    words = tuple((float(w["x0"]), float(w["x1"]), str(w["text"])) for w in found)
    return words if len(words) > 1 else ()


def _gaps(run: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """The wide gaps between the characters of a line: wider than a column gutter's least."""
    ordered = sorted(run, key=lambda c: float(c["x0"]))
    return [
        (float(a["x1"]), float(b["x0"]))
        for a, b in itertools.pairwise(ordered)
        if float(b["x0"]) - float(a["x1"]) >= _GUTTER * max(float(a["size"]), 1.0)
    ]


def _gutter(pieces: list[tuple[float, float]], width: float) -> float | None:
    """The x of a gutter between two columns, if the page has one: in the middle half of the
    page, crossed by few of its line pieces (a line cut at its wide gaps), with many pieces a
    column wide on either side (an unruled table's short cells are no columns)."""
    if len(pieces) < 2 * _COLUMN_LINES:
        return None
    ends = sorted(hi for _, hi in pieces)
    starts = sorted(lo for lo, _ in pieces)
    best: tuple[int, int, float] | None = None
    for x in {hi + 0.5 for _, hi in pieces if width * 0.25 <= hi + 0.5 <= width * 0.75}:
        left, right = bisect.bisect_right(ends, x), len(starts) - bisect.bisect_left(starts, x)
        crossing = len(pieces) - left - right
        if min(left, right) >= _COLUMN_LINES and crossing <= len(pieces) * _CROSSING_SHARE:
            score = (crossing, -min(left, right), x)
            best = score if best is None or score < best else best
    if best is None:
        return None
    gutter = best[2]
    widths = (sorted(hi - lo for lo, hi in pieces if hi <= gutter),
              sorted(hi - lo for lo, hi in pieces if lo >= gutter))  # fmt: skip
    wide = all(side[len(side) // 2] >= width * _COLUMN_WIDTH for side in widths)
    return gutter if wide else None


def _pieces(run: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """The x extents of a line's pieces, cut at its wide gaps. A line stands in the columns when
    no piece runs across the gutter: no character on it, no words close on either side of it
    (a title over both columns does)."""
    if not run:
        return []
    xs = sorted((float(c["x0"]), float(c["x1"])) for c in run)
    cuts = _gaps(run)
    bounds = [xs[0][0], *(v for gap in cuts for v in gap), max(hi for _, hi in xs)]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def without_running_lines(lines: list[Line]) -> list[Line]:
    """`lines` less running headers and footers: a text (its numbers aside) at the same height
    on at least half the pages, of three pages or more; and, as a page's first or last line, one
    that starts or ends on its page's number at the same height on two pages or more (a book's
    header names the chapter it runs in: "Chapter 2: Structure handling 3"; a line of text that
    ends a page twice is not one), or a page number alone ("4", "iv", "Page 2 of 9")."""
    pages = len({ln.page for ln in lines})
    edges = _edges(lines)
    seen: dict[tuple[str, int], set[int]] = {}
    at_edge: dict[tuple[str, int], set[int]] = {}
    for ln in lines:
        seen.setdefault(_running_key(ln), set()).add(ln.page)
        if id(ln) in edges and _NUMBERED.search(ln.text):
            at_edge.setdefault(_running_key(ln), set()).add(ln.page)
    running = {
        k for k, on in seen.items() if pages >= 3 and len(on) >= max(3, pages * _RUNNING_SHARE)
    }
    running |= {k for k, on in at_edge.items() if len(on) >= 2}
    return [
        ln for ln in lines
        if _running_key(ln) not in running and not (id(ln) in edges and _PAGE_NUMBER.match(ln.text))
    ]  # fmt: skip


def without_code(lines: list[Line]) -> list[Line]:
    """`lines` less code: those set wholly in a monospaced face at the body's size or smaller, as
    Markdown's fences and HTML's <pre> are left out (a paragraph after it starts anew: the gap
    the code leaves is wider than a line's). Where most of the text is monospaced (a typewritten
    manual, a terminal's page printed), that face is the body's, and every line stays."""
    total = sum(len(ln.text) for ln in lines)
    code = sum(len(ln.text) for ln in lines if ln.mono)
    if code * 2 >= total:
        return lines
    body = Counter(ln.size for ln in lines for _ in ln.text).most_common(1)[0][0]
    return [ln for ln in lines if not (ln.mono and ln.size <= body)]


def without_contents_lines(lines: list[Line]) -> list[Line]:
    """`lines` less a table of contents' entries: a title, a row of dot leaders, its page
    ("2 ASN.1 structure handling . . . . . 2"). Each entry matched every question on its
    chapter's words and answered none."""
    return [ln for ln in lines if not _LEADERS.search(ln.text)]


def _edges(lines: list[Line]) -> set[int]:
    """The ids of each page's first and last line, by height."""
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    edges = [
        (min(on, key=lambda x: x.top), max(on, key=lambda x: x.bottom)) for on in by_page.values()
    ]
    return {id(ln) for pair in edges for ln in pair}


def _running_key(line: Line) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line.text.casefold()), round(line.top)


def _mark(obj: dict[str, Any]) -> bool:
    """A drawn shape small enough to be a bullet."""
    width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return bool(1.0 <= width <= _MARK_SIZE and 1.0 <= height <= _MARK_SIZE)
