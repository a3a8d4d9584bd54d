"""The text lines of a PDF page with the cues structure is read from: the size of their type,
whether it is bold, whether a small drawn mark (a bullet) stands just left of them; and which
lines are running headers or footers rather than text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.IGNORECASE)  # in a font's name
# Points: a bullet drawn as a shape (a browser's disc, a word processor's square) is smaller.
_MARK_SIZE = 8.0
# Of the pages: a line at one height on as many of them (its numbers aside) is a header or footer.
_RUNNING_SHARE = 0.5


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


def page_lines(page: Any, text_page: Any, number: int) -> list[Line]:
    """The lines of `text_page` (the page, tables left out) in reading order; `page` has the
    drawn shapes."""
    marks = [(o["x1"], o["top"], o["bottom"]) for o in (*page.curves, *page.rects) if _mark(o)]
    lines: list[Line] = []
    for line in text_page.extract_text_lines(return_chars=True):
        text = " ".join(line["text"].split())
        if not text:
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        sizes = [round(c["size"], 1) for c in chars]
        size = Counter(sizes).most_common(1)[0][0] if sizes else 0.0
        x0, top, bottom = float(line["x0"]), float(line["top"]), float(line["bottom"])
        marked = any(
            0.0 <= x0 - right <= 3 * max(size, 1.0) and mark_top < bottom and mark_bottom > top
            for right, mark_top, mark_bottom in marks
        )
        bold = bool(chars) and all(_BOLD.search(str(c.get("fontname", ""))) for c in chars)
        lines.append(Line(number, top, bottom, size, text, x0, bold, marked))
    return lines


def without_running_lines(lines: list[Line]) -> list[Line]:
    """`lines` less running headers and footers: a text (its numbers aside) at the same height
    on at least half the pages, of three pages or more."""
    pages = len({ln.page for ln in lines})
    if pages < 3:
        return lines
    seen: dict[tuple[str, int], set[int]] = {}
    for ln in lines:
        seen.setdefault(_running_key(ln), set()).add(ln.page)
    running = {k for k, on in seen.items() if len(on) >= max(3, pages * _RUNNING_SHARE)}
    return [ln for ln in lines if _running_key(ln) not in running]


def _running_key(line: Line) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line.text.casefold()), round(line.top)


def _mark(obj: dict[str, Any]) -> bool:
    """A drawn shape small enough to be a bullet."""
    width, height = obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]
    return bool(1.0 <= width <= _MARK_SIZE and 1.0 <= height <= _MARK_SIZE)
