"""A PDF's outline (its bookmarks) and the lines of its pages that are their headings."""

from __future__ import annotations

import re
from typing import Any

from ingest.budgets import Guard
from ingest.errors import CorpusError
from ingest.pdf_lines import Line

# A section's number before its title on the page: Texinfo and LaTeX bookmark "Arcfour" and print
# "7.2.2 Arcfour" ("A.1 GNU Free Documentation License" in an appendix).
_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.?\s+(?=\S)")


def read_outline(pdf: Any, guard: Guard) -> dict[str, int]:
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


def bookmarked(lines: list[Line], outline: dict[str, int]) -> list[int]:
    """Heading levels from the outline: a line that is a bookmark's title (after its section's
    number, if it has one), or two or three lines that are one together (a long heading wraps;
    the PDF reader joins them again). A manual whose bookmarks leave out the numbers its pages
    print was one section of 1,191 passages (GNU Nettle's)."""
    levels = [_level(outline, ln.text) for ln in lines]
    for n in range(len(lines)):
        for end in (n + 2, n + 3):
            if end <= len(lines) and not any(levels[n:end]):
                level = _level(outline, " ".join(ln.text for ln in lines[n:end]))
                levels[n:end] = [level] * (end - n)
                if level:
                    break
    return levels


def _level(outline: dict[str, int], text: str) -> int:
    said = text.casefold()
    return outline.get(said) or outline.get(_NUMBER.sub("", text, count=1).casefold(), 0)
