"""Markdown guides as found in the wild: CommonMark and GitHub tables (markdown-it-py), with the
front matter, HTML blocks, admonitions and template tags that docs sites add.

What a reader sees becomes blocks; what a site generator reads (front matter fields, MyST
labels, `{{macros}}`, `{% tags %}`, `:::` markers) does not. Code is not prose a question is
answered from, except a MyST admonition fenced like code, which is prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ingest.budgets import Blocks, Guard
from ingest.html_page import parse_html
from ingest.markdown_inline import all_link, image_alt, inline_text, labelled, squash
from ingest.structure import Block, BlockKind

# Every pattern stays linear on hostile input: no lazy `.*?` that rescans to the end of the text
# from each opening brace or bracket.
MYST_LABEL = re.compile(r"^\s*\([\w.:-]+\)=\s*$", re.MULTILINE)
# MDX (Docusaurus reads .md as MDX too): its imports and exports (and its {/* comments */},
# found by `_mdx_comments`: a pattern for them rescans the text from every unclosed "{/*").
_MDX = re.compile(
    r"^(?:import\s[^\n]*\bfrom\s+['\"][^'\"\n]+['\"];?|export\s+(?:const|default|function)\b[^\n]*)"
    r"[ \t]*$",
    re.MULTILINE,
)
_CALLOUT = re.compile(r"^\s*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_TASK = re.compile(r"^\[[ xX]\]\s+")  # a task list's box: "- [x] Done"
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE)
# MkDocs admonitions (`!!! note "Title"`, and `???`/`???+` that fold): a marker line, then the
# body indented four spaces.
_MKDOCS_ADMONITION = re.compile(
    r'[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+"[^"\n]*")?[ \t]*'
)
# A MyST directive's options, the first lines of its body (":class: tip"): the site's, not text.
DIRECTIVE_OPTIONS = re.compile(r"\A(?:[ \t]*:[\w-]+:[^\n]*\n)+")
# MyST directives whose body is prose for the reader ({note}, {admonition} Title, …).
PROSE_DIRECTIVE = re.compile(
    r"^\{(admonition|note|tip|important|warning|caution|attention|hint|seealso|danger|error)\}"
)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin).use(colon_fence_plugin)


def parse_markdown(text: str, guard: Guard) -> list[Block]:
    """Headings, paragraphs, list items and table rows, with their spans in `text`, within the
    guide's budgets (`guard`)."""
    lines = _LineOffsets(text)
    # Blanked, not removed: every offset stays the offset in the file.
    cleaned = _MDX.sub(lambda m: _blank(m[0]), MYST_LABEL.sub(lambda m: _blank(m[0]), text))
    cleaned = _unindented_admonitions(_mdx_comments(cleaned))
    guard.tick()
    tokens = _parser().parse(cleaned)
    blocks = _Walker(lines, guard).walk(tokens)
    title = next((t.content for t in tokens if t.type == "front_matter"), "")
    match = _FRONT_TITLE.search(title)
    if match and match.group(1).strip() and not (blocks and blocks[0].level == 1):
        blocks.insert(0, Block("heading", squash(match.group(1)), (0, 0), level=1))
    return blocks


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _mdx_comments(text: str) -> str:
    """`text` with each {/* … */} blanked, in one pass."""
    pieces, at = [], 0
    while (start := text.find("{/*", at)) >= 0 and (end := text.find("*/}", start + 3)) >= 0:
        pieces += [text[at:start], _blank(text[start : end + 3])]
        at = end + 3
    return "".join(pieces) + text[at:] if pieces else text


def _unindented_admonitions(text: str) -> str:
    """MkDocs admonitions as plain prose: the marker line blanked, the body's indent moved to
    its lines' ends (CommonMark would read an indented body as code, or fold it into the
    paragraph with the marker). Every line keeps its length, so offsets stay the file's."""
    if "!!!" not in text and "???" not in text:
        return text
    lines = text.split("\n")
    body = -1  # the indent of the admonition body being read, -1 outside one
    for n, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if _MKDOCS_ADMONITION.fullmatch(line):
            lines[n], body = " " * len(line), indent + 4
        elif body >= 0 and (not line.strip() or indent >= body):
            lines[n] = line[4:] + "    " if line.strip() else line
        else:
            body = -1
    return "\n".join(lines)


class _LineOffsets:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.length = len(text)

    def span(self, line_map: Sequence[int] | None) -> tuple[int, int]:
        if not line_map:
            return (0, 0)
        start, end = line_map[0], line_map[1]
        stop = self.starts[end] - 1 if end < len(self.starts) else self.length
        return self.starts[min(start, len(self.starts) - 1)], max(stop, 0)


class _Walker:
    """Turns markdown-it's token stream into blocks, one container at a time."""

    def __init__(self, lines: _LineOffsets, guard: Guard, depth: int = 0) -> None:
        self.lines = lines
        self.guard = guard
        self.depth = depth
        self.blocks: Blocks = guard.blocks()
        self._row: list[str] = []
        self._row_header = False
        self._row_span: tuple[int, int] = (0, 0)
        self._item_span: list[tuple[int, int]] = []  # open list items, innermost last

    def walk(self, tokens: Sequence[Token]) -> list[Block]:
        i = 0
        while i < len(tokens):
            self.guard.tick()
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                self._heading(token, tokens[i + 1])
                i += 2
            elif kind == "list_item_open":
                self._item_span.append(self.lines.span(token.map))
            elif kind == "list_item_close":
                self._item_span.pop()
            elif kind == "paragraph_open":
                self._paragraph(tokens[i + 1], token.map)
                i += 2
            elif kind == "tr_open":
                self._row, self._row_header = [], False
                self._row_span = self.lines.span(token.map)
            elif kind in ("th_open", "td_open"):
                self._row_header = self._row_header or kind == "th_open"
                self._row.append(inline_text(tokens[i + 1]) if tokens[i + 1].type == "inline"
                                 else "")  # fmt: skip
            elif kind == "tr_close":
                self._add_row()
            elif kind == "html_block":
                self._html(token)
            elif kind in ("fence", "colon_fence"):
                self._fence(token)
            i += 1
        return self.blocks

    def _heading(self, token: Token, inline: Token) -> None:
        text = inline_text(inline) or image_alt(inline)
        if text:
            level = int(token.tag[1])
            self.blocks.append(Block("heading", text, self.lines.span(token.map), level=level))

    def _paragraph(self, inline: Token, line_map: Sequence[int] | None) -> None:
        text = _CALLOUT.sub("", labelled(inline) or inline_text(inline))
        if not text:
            return
        if self._item_span:  # a list item's text (the first paragraph of the item)
            text = _TASK.sub("", text)
            if self.blocks and self.blocks[-1].kind == "list_item" and self._continues(line_map):
                prev = self.blocks[-1]
                self.blocks.replace_last(Block("list_item", f"{prev.text} {text}", prev.span))
                return
            self.blocks.append(Block("list_item", text, self._item_span[-1], link=all_link(inline)))
        else:
            self.blocks.append(Block("paragraph", text, self.lines.span(line_map)))

    def _continues(self, line_map: Sequence[int] | None) -> bool:
        """A later paragraph inside the same list item: it belongs to that item."""
        if not line_map:
            return False
        start = self.lines.span(line_map)[0]
        return self.blocks[-1].span[0] == self._item_span[-1][0] and start > self.blocks[-1].span[0]

    def _add_row(self) -> None:
        cells = tuple(self._row)
        if any(cells):
            kind: BlockKind = "table_row"
            self.blocks.append(
                Block(kind, " | ".join(cells), self._row_span, cells=cells, header=self._row_header)
            )

    def _html(self, token: Token) -> None:
        start = self.lines.span(token.map)[0]
        for block in parse_html(token.content, self.guard, whole_page=False):
            span = (start + block.span[0], start + block.span[1])
            self.blocks.append(_moved(block, span))

    def _fence(self, token: Token) -> None:
        info = token.info.strip()
        admonition = token.markup.startswith(":") or PROSE_DIRECTIVE.match(info)
        # An admonition's body is Markdown prose (nested ones are rare: the depth is bounded).
        if admonition and self.depth < 4:
            walker = _Walker(self.lines, self.guard, self.depth + 1)
            span = self.lines.span(token.map)
            body = DIRECTIVE_OPTIONS.sub("", token.content)
            for block in walker.walk(_parser().parse(body)):
                if block.kind != "heading":
                    self.blocks.append(_moved(block, span))


def _moved(block: Block, span: tuple[int, int]) -> Block:
    return Block(block.kind, block.text, span, block.level, block.cells, block.header, block.link)


__all__ = ["parse_markdown"]
