"""Format parsers: plain text and HTML into a flat list of structural `Block`s (Markdown:
ingest/markdown.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import ClassVar

from ingest.structure import TOC_TITLES, Block
from retriever.text import ends_sentence

_LIST_ITEM = re.compile(r"^(\s*(?:[-*+•]|\d{1,3}[.)])\s+)(\S.*?)\s*$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MAX_HEADING_WORDS = 12


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line, offsets counted in characters of `text`."""
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


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


def parse_plaintext(text: str) -> list[Block]:
    """A guide saved as plain text: title line, headings on their own lines, '-' lists, '|' tables.

    Headings are known from the table of contents when there is one (its wording is canonical),
    otherwise from their shape: a short capitalised line that is not a sentence.
    """
    blocks: list[Block] = []
    toc: dict[str, str] = {}
    in_toc = False
    for offset, line in _lines(text):
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
                toc[item.group(2).casefold()] = item.group(2)
            item_span = _trimmed_span(offset, line, len(item.group(1)))
            blocks.append(Block("list_item", item.group(2), item_span))
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


class _HtmlBlocks(HTMLParser):
    # Page chrome, and code (not prose a question is answered from).
    _SKIP: ClassVar[frozenset[str]] = frozenset(
        {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "pre"}
    )
    _HEADINGS: ClassVar[dict[str, int]] = {f"h{n}": n for n in range(1, 7)}
    # Containers whose own text (outside any p, li or heading) is a paragraph of its own.
    _BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"div", "section", "article", "main", "blockquote", "dd", "dt", "figcaption", "label",
         "summary", "details", "table", "ul", "ol", "dl", "body", "form", "fieldset", "center"}
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._skip_depth = 0
        self._open: tuple[str, int] | None = None  # element collecting text, its start offset
        self._buf: list[str] = []
        self._cells: list[str] = []
        self._row_header = False
        self._in_title = False
        self._loose: list[str] = []  # text inside a container but in no p, li or heading
        self._loose_at = 0
        self._in_cell = False
        self._links = 0  # <a> elements open
        self._unlinked: list[str] = []  # the open element's text outside any link

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif self._skip_depth:
            return
        elif tag == "a":
            self._links += 1
        elif tag in self._HEADINGS or tag in {"p", "li"}:
            self._flush_loose()
            self._open, self._buf, self._unlinked = (tag, self._offset()), [], []
        elif tag in self._BLOCKS:
            self._flush_loose()
        elif tag == "tr":
            self._open, self._cells, self._row_header = (tag, self._offset()), [], False
        elif tag in {"td", "th"}:
            self._buf = []
            self._in_cell = True
            self._row_header = self._row_header or tag == "th"
        elif tag == "br":
            self._buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif self._skip_depth:
            return
        elif tag == "a":
            self._links = max(0, self._links - 1)
        elif self._open is None:
            if tag in self._BLOCKS:
                self._flush_loose()
        elif tag in {"td", "th"}:
            self._cells.append(_squash("".join(self._buf)))
            self._buf = []
            self._in_cell = False
        elif tag == self._open[0]:
            span = (self._open[1], self._offset() + len(tag) + 3)
            if tag == "tr":
                cells = tuple(self._cells)
                # Without <th>, the first row of a table is taken as its header.
                first = not self.blocks or self.blocks[-1].kind != "table_row"
                header = self._row_header or first
                if any(cells):
                    self.blocks.append(
                        Block("table_row", " | ".join(cells), span, cells=cells, header=header)
                    )
            else:
                text = _squash("".join(self._buf))
                if text:
                    kind = (
                        "heading"
                        if tag in self._HEADINGS
                        else ("list_item" if tag == "li" else "paragraph")
                    )
                    level = self._HEADINGS.get(tag, 0)
                    link = (
                        not _squash("".join(self._unlinked)).strip("-–—:,.")
                        if tag == "li"
                        else None
                    )
                    self.blocks.append(
                        Block(kind, text, span, level=level, link=link)  # type: ignore[arg-type]
                    )
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._skip_depth:
            return
        elif self._open is not None:
            if self._open[0] != "tr" or self._in_cell:
                self._buf.append(data)
                if not self._links:
                    self._unlinked.append(data)
        elif data.strip():
            if not self._loose:
                self._loose_at = self._offset()
            self._loose.append(data)

    def _flush_loose(self) -> None:
        text = _squash("".join(self._loose))
        if text:
            self.blocks.append(Block("paragraph", text, (self._loose_at, self._offset())))
        self._loose = []

    def close(self) -> None:
        super().close()
        self._flush_loose()


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse_html(text: str, *, whole_page: bool = True) -> list[Block]:
    """h1–h6, p, li and tr (th/td cells), and the loose text of other containers, in document
    order; page chrome and code are dropped. A fragment (`whole_page=False`, HTML inside
    Markdown) takes no title from <title>."""
    parser = _HtmlBlocks(text)
    parser.feed(text)
    parser.close()
    blocks = parser.blocks
    if (
        whole_page
        and parser.title.strip()
        and not (blocks and blocks[0].kind == "heading" and blocks[0].level == 1)
    ):
        blocks.insert(0, Block("heading", _squash(parser.title), (0, 0), level=1))
    return blocks
