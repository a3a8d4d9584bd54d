"""The plain-text parser: a flat list of structural `Block`s (Markdown: `ingest.markdown`;
HTML: `ingest.html_blocks`).

Each runs within its guide's budgets (`Guard`): lines are read lazily, every pattern is linear in
its input (a 40 KB line must not take minutes), and the loops check the guide's deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.budgets import Guard
from ingest.structure import TOC_TITLES, Block
from retriever.text import ends_sentence

# Trailing space and closing #s are stripped in code: `(.*?)\s*$` retried the tail at every
# character, minutes on one long line.
_LIST_ITEM = re.compile(r"^(\s*(?:[-*+•]|\d{1,3}[.)])\s+)(\S.*)$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINE_END = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # as str.splitlines
_MAX_HEADING_WORDS = 12


def _lines(text: str, guard: Guard) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line, offsets counted in characters of `text`; one at a time
    (a list of 10 million short lines is most of a gigabyte)."""
    start = 0
    for end in _LINE_END.finditer(text):
        guard.tick()
        yield start, text[start : end.end()].rstrip("\r\n")
        start = end.end()
    if start < len(text):
        yield start, text[start:]


def _trimmed_span(offset: int, line: str, start: int = 0) -> tuple[int, int]:
    body = line[start:]
    lead = len(body) - len(body.lstrip())
    return offset + start + lead, offset + start + len(body.rstrip())


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return tuple(cell.strip() for cell in inner.split("|"))


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    return (
        bool(stripped)
        and stripped[0].isupper()
        and len(stripped.split()) <= _MAX_HEADING_WORDS
        and not ends_sentence(stripped)
        and not stripped.endswith((",", "”"))
    )


def parse_plaintext(text: str, guard: Guard) -> list[Block]:
    """A guide saved as plain text: title line, headings on their own lines, '-' lists, '|' tables.

    Headings are known from the table of contents when there is one (its wording is canonical),
    otherwise from their shape: a short capitalised line that is not a sentence.
    """
    blocks = guard.blocks()
    toc: dict[str, str] = {}
    in_toc = False
    for offset, line in _lines(text, guard):
        stripped = line.strip()
        if not stripped:
            continue
        span = _trimmed_span(offset, line)
        item = _LIST_ITEM.match(line)
        if not blocks:
            blocks.append(Block("heading", stripped, span, level=1))
        elif stripped.casefold() in TOC_TITLES:
            in_toc = True
            blocks.append(Block("heading", stripped, span, level=2))
        elif item:
            if in_toc:
                toc[item.group(2).rstrip().casefold()] = item.group(2).rstrip()
            item_span = _trimmed_span(offset, line, len(item.group(1)))
            blocks.append(Block("list_item", item.group(2).rstrip(), item_span))
        elif stripped.startswith("|") and stripped.endswith("|"):
            in_toc = False
            _add_table_row(blocks, stripped, span)
        elif stripped.casefold() in toc or _looks_like_heading(stripped):
            in_toc = False
            title = toc.get(stripped.casefold(), stripped)
            blocks.append(Block("heading", title, span, level=2))
        else:
            in_toc = False
            blocks.append(Block("paragraph", stripped, span))
    return blocks


def _add_table_row(blocks: list[Block], row: str, span: tuple[int, int]) -> None:
    if _TABLE_SEP.match(row):
        if blocks and blocks[-1].kind == "table_row":
            prev = blocks[-1]
            blocks[-1] = Block("table_row", prev.text, prev.span, cells=prev.cells, header=True)
        return
    first_of_table = not blocks or blocks[-1].kind != "table_row"
    blocks.append(Block("table_row", row, span, cells=_cells(row), header=first_of_table))
