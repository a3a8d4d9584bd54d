"""The document model every format maps onto: title, sections, and natural units.

Parsers (plain text, Markdown, HTML) emit a flat list of `Block`s; `assemble` turns them into
sections of `Unit`s: paragraphs, list items that keep the sentence introducing their list, table
rows that keep their column headers, and FAQ question + answer pairs. Navigation (a table of
contents, a trailing list of links) is kept as structure but marked so it is never searched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retriever.text import ends_sentence, split_sentences

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
UnitKind = Literal["paragraph", "list_item", "table_row", "faq", "navigation"]

TOC_TITLES = {"table of contents", "contents", "on this page", "in this article"}


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    span: tuple[int, int]
    level: int = 0
    cells: tuple[str, ...] = ()
    header: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    kind: UnitKind
    text: str
    span: tuple[int, int]
    # Text that must stay with every piece if the unit is split (list intro, FAQ question).
    lead: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    units: tuple[Unit, ...]
    navigation: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    source: str
    sha256: str
    sections: tuple[Section, ...]
    related: tuple[str, ...] = field(default=())


def assemble(
    doc_id: str, source: str, sha256: str, blocks: Sequence[Block], fallback_title: str
) -> Document:
    """Group blocks under their headings and turn each group into units."""
    title = fallback_title
    body = list(blocks)
    if body and body[0].kind == "heading":
        title = body.pop(0).text
    groups: list[tuple[str, list[Block]]] = [(title, [])]
    for block in body:
        if block.kind == "heading":
            if block.text.casefold() == title.casefold() and not groups[-1][1]:
                continue  # a repeated title line, as in pages saved from the web
            groups.append((block.text, []))
        else:
            groups[-1][1].append(block)

    sections: list[Section] = []
    for heading, members in groups:
        if not members:
            continue
        navigation = heading.casefold() in TOC_TITLES or _is_link_list(members)
        units = _nav_units(members) if navigation else _units(members)
        sections.append(Section(heading, tuple(units), navigation))
    related = tuple(
        u.text
        for s in sections
        if s.navigation and s.title.casefold() not in TOC_TITLES
        for u in s.units
    )
    return Document(doc_id, title, source, sha256, tuple(sections), related)


def _is_link_list(blocks: Sequence[Block]) -> bool:
    """A section of bare list items with no sentences: links to other pages, not content."""
    return all(b.kind == "list_item" for b in blocks) and not any(
        ends_sentence(b.text) for b in blocks
    )


def _nav_units(blocks: Sequence[Block]) -> list[Unit]:
    return [Unit("navigation", b.text, b.span) for b in blocks]


def _units(blocks: Sequence[Block]) -> list[Unit]:
    units: list[Unit] = []
    header: tuple[str, ...] = ()
    intro = ""  # of the list being read: found once per list, not walked back to per item
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "table_row" and block.header:
            header = block.cells
        elif block.kind == "table_row":
            units.append(Unit("table_row", _row_text(header, block.cells), block.span))
        elif block.kind == "list_item":
            if i == 0 or blocks[i - 1].kind != "list_item":
                intro = _list_intro(blocks, i)
            units.append(Unit("list_item", block.text, block.span, lead=intro))
        elif _introduces_list(block, nxt):
            pass  # carried by each of its list items instead
        elif nxt is not None and _is_question(block) and nxt.kind == "paragraph":
            units.append(Unit("faq", nxt.text, (block.span[0], nxt.span[1]), lead=block.text))
            i += 1
        else:
            units.append(Unit("paragraph", block.text, block.span))
        i += 1
    return units


def _introduces_list(block: Block, nxt: Block | None) -> bool:
    return (
        block.kind == "paragraph"
        and block.text.rstrip().endswith(":")
        and (nxt is not None and nxt.kind == "list_item")
    )


def _list_intro(blocks: Sequence[Block], i: int) -> str:
    j = i
    while j > 0 and blocks[j - 1].kind == "list_item":
        j -= 1
    if j > 0 and _introduces_list(blocks[j - 1], blocks[j]):
        return blocks[j - 1].text
    return ""


def _is_question(block: Block) -> bool:
    return (
        block.kind == "paragraph"
        and block.text.rstrip().endswith("?")
        and len(split_sentences(block.text)) == 1
    )


def _row_text(header: Sequence[str], cells: Sequence[str]) -> str:
    """'Mathematics — AI engineering emphasis: …; ML engineering emphasis: …'."""
    if not cells:
        return ""
    pairs = [
        f"{header[k]}: {cell}" if k < len(header) and header[k] else cell
        for k, cell in enumerate(cells[1:], start=1)
        if cell
    ]
    return f"{cells[0]} — " + "; ".join(pairs) if pairs else cells[0]


def unit_text(unit: Unit) -> str:
    """What users read for a unit: the lead (list intro, FAQ question) and the unit's own text."""
    if not unit.lead:
        return unit.text
    if unit.kind == "list_item":
        return f"{unit.lead}\n- {unit.text}"
    return f"{unit.lead}\n{unit.text}"
