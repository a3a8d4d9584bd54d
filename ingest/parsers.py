"""The plain-text parser: a flat list of structural `Block`s (Markdown: `ingest.markdown`;
HTML: `ingest.html_page`).

Each runs within its guide's budgets (`Guard`): lines are read lazily, every pattern is linear in
its input (a 40 KB line must not take minutes), and the loops check the guide's deadline.
"""

from __future__ import annotations

import itertools
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
_TITLE_WORDS = 20  # a first line longer than this, or a sentence, is text: the file names the guide
# A line of = or - under a line makes it a heading (setext); alone, as *** or ___ too, a rule.
_UNDERLINE = re.compile(r"^\s*(?:=+|-+|\*+|_+)\s*$")
# Hard-wrapped text: most lines are at most this long (an editor's 72 or 80 columns).
_WRAPPED_WIDTH = 120
_LONG_LINE = 0.6  # of the usual width: a line this long that ends no sentence goes on below
_SAMPLE_LINES = 2_000
# A terminal's bold and underline (an escape sequence, or a character struck over by the next),
# and the permalink a docs site puts after a heading, kept by a copy of its page ("Abstract¶").
_MARKUP = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[^\n]\x08|[ \t]*\u00b6(?=[ \t]*$)", re.MULTILINE)
_FAQ = re.compile(r"\b(?:faqs?|frequently asked questions|questions and answers|q&a)\b", re.I)


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
        and (stripped[0].isupper() or stripped[0].isdigit())  # "5-stage review process"
        and any(c.isalpha() for c in stripped)  # "12" alone is a page's number, not its heading
        and len(stripped.split()) <= _MAX_HEADING_WORDS
        and not ends_sentence(stripped)
        and not stripped.endswith((",", "”"))
    )


def parse_plaintext(text: str, guard: Guard) -> list[Block]:
    """A guide saved as plain text: title line, headings on their own lines, '-' lists, '|' tables.

    Headings are known from the table of contents when there is one (its wording is canonical),
    from a line of = or - under them, otherwise from their shape: a short capitalised line that
    is not a sentence. In hard-wrapped text (an editor's 72 or 80 columns) a long line that ends
    no sentence goes on in the next one, up to a blank line: a paragraph or a list item is one
    block, not one per line. Rules (---, ***) are not text. A manual formatted for a terminal
    (man, nroff, `grotty`) keeps its text, not its bold and underline: escape sequences
    ("\\x1b[1m") and overstrikes ("m\\bm", "_\\bm") are left out, and so is a "¶" that ends a
    line (a heading's permalink, copied with a docs page).
    """
    text = _MARKUP.sub("", text)
    blocks = guard.blocks()
    toc: dict[str, str] = {}
    in_toc = False
    long_line = _long_line(text, guard)
    previous = ""  # the line before, "" after a blank one
    alone = False  # the last block is one line with blank lines before it
    numbered = ""  # the last block, a numbered item alone after text: a heading if text follows
    # The last block is a short question right after a list or table, a block a line: a heading
    # if a sentence follows ("What are you going to test?" after the list that ends a section).
    asked = False
    heading = ""  # the last heading's text
    for offset, line in _lines(text, guard):
        stripped = line.strip()
        if not stripped:
            previous = ""
            continue
        span = _trimmed_span(offset, line)
        item = _LIST_ITEM.match(line)
        last = blocks[-1] if blocks else None
        if (last is not None and alone and not previous and _question_heading(last)
                and ends_sentence(stripped) and not _FAQ.search(heading)):  # fmt: skip
            # "What are you going to test?" on a line of its own, blank lines around it, a
            # sentence below. In a FAQ it is a question over its answer, as a FAQ is written.
            last = Block("heading", last.text, last.span, level=2)
            blocks.replace_last(last)
        elif last is not None and asked and not item and ends_sentence(stripped):
            last = Block("heading", last.text, last.span, level=2)
            blocks.replace_last(last)
        elif last is not None and numbered and not previous and not item:
            # "1. Introduction" alone between blank lines, text (not a list) before and after:
            # a numbered heading, not a list of one item.
            last = Block("heading", numbered, last.span, level=2)
            blocks.replace_last(last)
        numbered = ""
        asked = False
        alone = not previous
        if _UNDERLINE.match(stripped) and len(stripped) >= 3:
            if last is not None and previous and last.kind != "table_row":
                # Setext: the line above is a heading (the title's underline changes nothing).
                level = last.level if last.kind == "heading" else (1 if "=" in stripped else 2)
                title = previous if last.kind == "list_item" else last.text  # "1. Setup"
                blocks.replace_last(Block("heading", title, last.span, level=level))
            previous = ""
            continue
        if last is not None and _goes_on(last, previous, stripped, long_line) and not item:
            # A wrapped line: the block goes on. (A long line taken for a heading, as it was
            # short of words and ended no sentence, was a paragraph's first line.)
            kind = "paragraph" if last.kind == "heading" else last.kind
            blocks.replace_last(Block(kind, f"{last.text} {stripped}", (last.span[0], span[1])))
        elif not blocks and not ends_sentence(stripped) and len(stripped.split()) <= _TITLE_WORDS:
            blocks.append(Block("heading", stripped, span, level=1))
        elif stripped.casefold() in TOC_TITLES:
            in_toc = True
            blocks.append(Block("heading", stripped, span, level=2))
        elif item and in_toc and _toc_key(item.group(2)) in toc:
            in_toc = False  # a contents entry again: the contents ended, this is its heading
            blocks.append(Block("heading", stripped, span, level=2))
        elif item and not in_toc and _capitals(stripped) and item.group(1).strip()[0].isdigit():
            blocks.append(Block("heading", stripped, span, level=2))  # "1. INTRODUCTION"
        elif item:
            if in_toc:
                toc[_toc_key(item.group(2))] = item.group(2).rstrip()
            item_span = _trimmed_span(offset, line, len(item.group(1)))
            if alone and item.group(1).strip()[0].isdigit() and _looks_like_heading(item.group(2)):
                before = blocks[-1].kind if blocks else "heading"
                numbered = stripped if before != "list_item" else ""
            blocks.append(Block("list_item", item.group(2).rstrip(), item_span))
        elif stripped.startswith("|") and stripped.endswith("|"):
            in_toc = False
            _add_table_row(blocks, stripped, span)
        elif _toc_key(stripped) in toc or _looks_like_heading(stripped):
            in_toc = False
            title = toc.get(_toc_key(stripped), stripped)
            if stripped.endswith("?") and not title.endswith("?"):
                title += "?"  # the contents list "Why track code", the heading "Why track code?"
            blocks.append(Block("heading", title, span, level=2))
        else:
            in_toc = False
            block = Block("paragraph", stripped, span)
            after_list = last is not None and last.kind in ("list_item", "table_row")
            asked = not long_line and after_list and _question_heading(block)
            blocks.append(block)
        previous = stripped
        if blocks and blocks[-1].kind == "heading":
            heading = blocks[-1].text
    return blocks


def _toc_key(entry: str) -> str:
    """A contents entry or heading as the two are matched: a list of contents leaves out the
    heading's question mark or colon."""
    return entry.strip().rstrip("?:.!").rstrip().casefold()


def _capitals(line: str) -> bool:
    """A short line all in capitals, as a heading is set in plain text ("1. INTRODUCTION")."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(line.split()) <= 8


def _question_heading(block: Block) -> bool:
    """A paragraph that could be a heading phrased as a question."""
    text = block.text
    return (
        block.kind == "paragraph"
        and text.endswith("?")
        and (text[0].isupper() or text[0].isdigit())
        and len(text.split()) <= _MAX_HEADING_WORDS
        and "?" not in text[:-1]
    )


def _goes_on(last: Block, previous: str, line: str, long_line: int) -> bool:
    """In hard-wrapped text, `line` continues the block of the line before it: that line ran to
    the margin and ended no sentence."""
    wrappable = last.kind in ("paragraph", "list_item") or (
        last.kind == "heading" and last.level == 2 and last.text == previous
    )
    return (
        wrappable
        and long_line > 0
        and len(previous) >= long_line
        and not ends_sentence(previous)
        and not line.startswith("|")
    )


def _long_line(text: str, guard: Guard) -> int:
    """How long a line of hard-wrapped text is when it runs to the margin (0: the text is not
    hard-wrapped, each line is a block of its own)."""
    # The first lines tell the margin; a hostile text's ten million are not all counted.
    lines = (len(line.strip()) for _, line in _lines(text, guard) if line.strip())
    lengths = sorted(itertools.islice(lines, _SAMPLE_LINES))
    if not lengths:
        return 0
    usual = lengths[int(len(lengths) * 0.9)]  # the 90th percentile: lines that reach the margin
    return int(usual * _LONG_LINE) if usual <= _WRAPPED_WIDTH else 0


def _add_table_row(blocks: list[Block], row: str, span: tuple[int, int]) -> None:
    if _TABLE_SEP.match(row):
        if blocks and blocks[-1].kind == "table_row":
            prev = blocks[-1]
            blocks[-1] = Block("table_row", prev.text, prev.span, cells=prev.cells, header=True)
        return
    first_of_table = not blocks or blocks[-1].kind != "table_row"
    blocks.append(Block("table_row", row, span, cells=_cells(row), header=first_of_table))
