"""Format parsers: plain text and Markdown into a flat list of structural `Block`s (HTML:
`ingest.html_blocks`).

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
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# Neither pattern scans past the next bracket, parenthesis or delimiter of its own kind: with
# `.+?` and `[^)]*` an unclosed `*a *a *a…` or `[a](…` made each try scan to the end of the line.
_URL = r"\((?:[^()]|\([^()]*\))*\)"
_MD_LINK = re.compile(rf"!\[[^\[\]]*\]{_URL}|\[([^\[\]]*)\]{_URL}")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1|([*_`])(?=\S)((?:(?!\3).)+?)(?<=\S)\3"
)
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


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1) or "", text)
    return _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text).strip()


def parse_markdown(text: str, guard: Guard) -> list[Block]:
    """CommonMark-ish: '#' headings, blank-line paragraphs, lists, pipe tables; no HTML."""
    blocks = guard.blocks()
    para: list[tuple[int, str]] = []
    pending = 0  # characters in `para`: a guide of one endless paragraph stops at its budget
    in_fence = False

    def flush() -> None:
        nonlocal pending
        pending = 0
        if para:
            start = _trimmed_span(*para[0])[0]
            end = _trimmed_span(*para[-1])[1]
            joined = " ".join(_md_inline(line) for _, line in para)
            blocks.append(Block("paragraph", joined, (start, end)))
            para.clear()

    for offset, line in _lines(text, guard):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            continue  # code is not prose a career question is answered from
        heading = _MD_HEADING.match(stripped)
        item = _LIST_ITEM.match(line)
        if not stripped or heading or item or stripped.startswith("|"):
            flush()
        if not stripped:
            continue
        span = _trimmed_span(offset, line)
        if heading:
            level = len(heading.group(1))
            title = heading.group(2).rstrip().rstrip("#").rstrip()
            blocks.append(Block("heading", _md_inline(title), span, level=level))
        elif item:
            item_span = _trimmed_span(offset, line, len(item.group(1)))
            blocks.append(Block("list_item", _md_inline(item.group(2).rstrip()), item_span))
        elif stripped.startswith("|"):
            _add_table_row(blocks, _md_inline(stripped), span)
        else:
            para.append((offset, line))
            pending += len(line)
            blocks.reserve(pending)
    flush()
    return blocks
