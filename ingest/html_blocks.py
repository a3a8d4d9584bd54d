"""The HTML parser under `ingest.html_page`: h1–h6, p, li and tr (th/td cells), and the loose
text of other containers, into structural `Block`s; page chrome, code and a wiki's furniture
dropped; within the main content only, when asked to keep to it.

Python's HTMLParser is quadratic on some malformed input ("<a " × 10,000 took 8 s); it calls back
once per step, so every callback checks the guide's deadline, and text is fed a piece at a time.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from typing import ClassVar, Literal

from ingest import html_marks as marks
from ingest.bold_headings import could_head
from ingest.budgets import Guard, OverBudget
from ingest.errors import CorpusError
from ingest.html_marks import ParagraphRole, squash
from ingest.structure import Block

_PIECE = 256 * 1024  # fed at a time, so that the deadline is checked between pieces


class HtmlBlocks(HTMLParser):
    # Page chrome, and code (not prose a question is answered from).
    _SKIP: ClassVar[frozenset[str]] = frozenset(
        {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "pre",
         "button", "svg"}
    )  # fmt: skip
    _HEADINGS: ClassVar[dict[str, int]] = {f"h{n}": n for n in range(1, 7)}
    # Containers whose own text (outside any p, li or heading) is a paragraph of its own.
    _BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"div", "section", "article", "main", "blockquote", "dd", "dt", "figcaption", "label",
         "summary", "details", "table", "ul", "ol", "dl", "body", "form", "fieldset", "center"}
    )  # fmt: skip
    # What ends an open <p> that was never closed, as a browser reads it: a page written before
    # </p> was usual ("text <p> text <pre>code</pre> text") kept only its first paragraph.
    _ENDS_P: ClassVar[frozenset[str]] = (_BLOCKS - {"dd", "dt", "figcaption", "label", "summary",
        "body"}) | {"p", "pre", "hr", "figure", "address", *_HEADINGS}  # fmt: skip

    def __init__(self, text: str, guard: Guard, *, scoped: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.guard = guard
        # Outside the main content until it opens, and again once it closes: (its tag, how many
        # elements of that tag are open inside it, itself included) while inside.
        self.scoped = scoped  # "main", "article", or "" (the whole page)
        self.entered = False  # the main content was found
        self._outside = bool(scoped)
        self._main: tuple[str, int] | None = None
        self.blocks = guard.blocks()
        self.title = ""
        self._text = text
        # The line the parser is on and where it starts: it only moves forward, so offsets cost
        # no table of every line start (tens of millions of ints for a file of newlines).
        self._line, self._line_start = 1, 0
        self._pending = 0  # characters gathered in _buf
        self._skip_depth = 0
        self._hidden: tuple[str, int] | None = None  # a page furniture element open: tag, depth
        self._strong = 0  # <b> and <strong> open
        self._plain: list[str] = []  # the open element's text outside them
        self.bold: list[int] = []  # the paragraphs all in bold, short: headings, perhaps
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
        # A definition list's term, waiting for its definition: "Co-host" alone is no passage,
        # nor is a definition that does not say what it defines.
        self._term = ""
        self._permalink = False  # inside a heading's own link, skipped
        self._titles_next = False  # the open <p> is an admonition's title
        # What the open <p>'s classes say it is, or "item": the paragraph of an <li>.
        self._role: ParagraphRole | Literal["item"] = "text"
        # The open element's links: any, and any that leaves the page. A paragraph that is one
        # link to a place in the page is an entry of its contents (Google Docs' are so).
        self._linked = self._away = False
        self._paging = True  # every link of the open element goes to another page of a manual

    def _offset(self) -> int:
        line, col = self.getpos()
        if line < self._line:
            self._line, self._line_start = 1, 0
        while self._line < line:
            self._line_start = self._text.index("\n", self._line_start) + 1
            self._line += 1
        return self._line_start + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.guard.tick()
        if self._main is not None and tag == self._main[0]:
            self._main = (tag, self._main[1] + 1)
        elif self._outside and (
            tag == self.scoped or (self.scoped == "main" and ("role", "main") in attrs)
        ):
            self._outside, self._main, self.entered = False, (tag, 1), True
        if self._hidden is not None and tag == self._hidden[0]:
            self._hidden = (tag, self._hidden[1] + 1)
        elif self._hidden is None and marks.hidden(tag, attrs):
            self._hidden, self._skip_depth = (tag, 1), self._skip_depth + 1
            return
        if tag in self._ENDS_P and self._open_p():
            self._end("p")
        if tag in ("pre", "hr") and not (self._skip_depth or self._outside):
            self.flush_loose()  # the text before a code block or a rule is a paragraph of its own
        if tag == "a" and marks.permalink(attrs):  # anchors do not nest: the next </a> ends it
            self._skip_depth += 1
            self._permalink = True
        elif tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif self._skip_depth or self._outside:
            return
        elif tag == "a":
            self._links += 1
            self._linked, self._away = True, self._away or not marks.in_page(attrs)
            self._paging = self._paging and marks.paging(attrs)
        elif tag in ("b", "strong"):
            self._strong += 1
        elif tag in self._HEADINGS or tag in {"p", "li"}:
            self.flush_loose()
            # A list item's own paragraph (<li><p>) is the item: a link alone is a link item.
            item = self._open is not None and self._open[0] == "li"
            self._open, self._buf, self._pending = (tag, self._offset()), [], 0
            self._unlinked, self._linked, self._away, self._plain = [], False, False, []
            self._paging = True
            self._role = "item" if item else marks.paragraph_role(attrs) if tag == "p" else "text"
            # An admonition's title ("Note") is said with what it titles.
            self._titles_next = marks.titles(attrs)
        elif tag in self._BLOCKS:
            self.flush_loose()
        elif tag == "tr":
            self._open, self._cells, self._row_header = (tag, self._offset()), [], False
        elif tag in {"td", "th"}:
            self._buf, self._pending = [], 0
            self._in_cell = True
            self._row_header = self._row_header or tag == "th"
        elif tag == "br":
            self._buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.guard.tick()
        if self._hidden is not None and tag == self._hidden[0]:
            depth = self._hidden[1] - 1
            self._hidden = (tag, depth) if depth else None
            if not depth:
                self._skip_depth = max(0, self._skip_depth - 1)
                return
        if tag != "p" and self._open_p() and (tag in self._BLOCKS or tag in {"li", "html"}):
            self._end("p")  # its container ends it: "<div><p>text</div>"
        self._end(tag)
        if self._main is not None and tag == self._main[0]:
            depth = self._main[1] - 1
            self._main = (tag, depth) if depth else None
            self._outside = not depth

    def _open_p(self) -> bool:
        return self._open is not None and self._open[0] == "p" and not self._skip_depth

    def _end(self, tag: str) -> None:
        if tag in self._SKIP or (tag == "a" and self._permalink):
            self._skip_depth = max(0, self._skip_depth - 1)
            self._permalink = self._permalink and tag != "a"
        elif tag == "title":
            self._in_title = False
        elif self._skip_depth or self._outside:
            return
        elif tag == "a":
            self._links = max(0, self._links - 1)
        elif tag in ("b", "strong"):
            self._strong = max(0, self._strong - 1)
        elif self._open is None:
            if tag == "dt":
                term = squash("".join(self._loose))
                self._term = f"{self._term}, {term}" if self._term and term else term or self._term
                self._loose, self._pending = [], 0
            elif tag in self._BLOCKS:
                self.flush_loose()
                if tag == "dl" and self._term:  # a term with no definition
                    span = (self._loose_at, self._offset())
                    self.blocks.append(Block("paragraph", self._term, span))
                    self._term = ""
        elif tag in {"td", "th"}:
            self._cells.append(squash("".join(self._buf)))
            self._buf, self._pending = [], 0
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
                text = squash("".join(self._buf))
                unlinked = squash("".join(self._unlinked)).strip("-–—:,.")
                contents = self._role == "contents" or (
                    tag == "p"
                    and self._role != "item"
                    and self._linked
                    and ((not self._away and not unlinked) or self._paging)
                    and marks.only_paging_words(unlinked)
                )
                if text and self._titles_next:
                    self._term = text
                elif text and not contents:
                    kind, level = self._kind(tag)
                    if self._role == "list_item":
                        text = marks.without_list_marker(text)
                    link = not unlinked if tag == "li" else None
                    self._append(
                        Block(kind, text, span, level=level, link=link)  # type: ignore[arg-type]
                    )
                    if (
                        kind == "paragraph"
                        and not squash("".join(self._plain))
                        and could_head(text)
                    ):
                        self.bold.append(len(self.blocks) - 1)  # <p><strong>Heading</strong></p>
            self._open = None

    def _kind(self, tag: str) -> tuple[str, int]:
        if tag in self._HEADINGS or self._role == "title":
            return "heading", self._HEADINGS.get(tag, 1)
        listed = tag == "li" or self._role in ("list_item", "item")
        return ("list_item" if listed else "paragraph"), 0

    def handle_data(self, data: str) -> None:
        self.guard.tick()
        if self._in_title:
            self.title += data
            self.blocks.reserve(len(self.title))
        elif self._skip_depth or self._outside:
            return
        elif self._open is not None:
            if self._open[0] != "tr" or self._in_cell:
                self._buf.append(data)
                self._pending += len(data)
                self.blocks.reserve(self._pending)
                if not self._links:
                    self._unlinked.append(data)
                if not self._strong:
                    self._plain.append(data)
        elif data.strip():
            if not self._loose:
                self._loose_at = self._offset()
            self._loose.append(data)
            self._pending += len(data)
            self.blocks.reserve(self._pending)

    def flush_loose(self) -> None:
        text = squash("".join(self._loose))
        if text:
            self._append(Block("paragraph", text, (self._loose_at, self._offset())))
        self._loose, self._pending = [], 0

    def _append(self, block: Block) -> None:
        """`block`, after the definition list term it defines, if one waits."""
        term, self._term = self._term, ""
        # A question as the term is a FAQ's: it stays apart, as any question over its answer.
        if term and block.kind in ("paragraph", "list_item") and not term.endswith("?"):
            joint = " " if term.endswith((":", ".", "!")) else ": "
            block = replace(block, text=f"{term}{joint}{block.text}")
        elif term:
            self.blocks.append(Block("paragraph", term, block.span))
        self.blocks.append(block)

    def _tick(self, data: str) -> None:
        self.guard.tick()  # comments, declarations: no text, but a step the deadline is checked at

    handle_comment = handle_pi = unknown_decl = _tick

    def handle_decl(self, decl: str) -> None:
        self.guard.tick()


def parsed(text: str, guard: Guard, *, scoped: str) -> HtmlBlocks:
    parser = HtmlBlocks(text, guard, scoped=scoped)
    try:
        for start in range(0, len(text), _PIECE):
            guard.tick()
            parser.feed(text[start : start + _PIECE])
        parser.close()
        parser.flush_loose()
    except OverBudget:
        raise
    except Exception as exc:  # html.parser asserts on some malformed markup
        raise CorpusError(f"{guard.name}: not readable HTML ({type(exc).__name__})") from exc
    return parser
