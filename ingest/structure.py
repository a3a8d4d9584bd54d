"""The document model every format maps onto: title, sections, and natural units.

Parsers (plain text, Markdown, HTML) emit a flat list of `Block`s; `assemble` turns them into
sections of `Unit`s: paragraphs, list items that keep the sentence introducing their list, table
rows that keep their column headers, and FAQ question + answer pairs. Navigation (a table of
contents, a trailing list of links) is kept as structure but marked so it is never searched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retriever.text import ends_sentence, split_sentences
from retriever.types import ChunkKind

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
UnitKind = ChunkKind | Literal["navigation"]

TOC_TITLES = {"table of contents", "contents", "on this page", "in this article"}
# "Q: … / A: …", as plain-text FAQs mark them: the marks are not the question or the answer.
_QUESTION_MARK = re.compile(r"^(?:Q|Question)\s?[:.)]\s+", re.IGNORECASE)
_ANSWER_MARK = re.compile(r"^(?:A|Answer)\s?[:.)]\s+", re.IGNORECASE)
_LINK_WORDS = 10  # words per item above which a bare list is content, not links


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    span: tuple[int, int]
    level: int = 0
    cells: tuple[str, ...] = ()
    header: bool = False
    # Known only for formats that mark links (Markdown, HTML): the whole text is a link's text.
    link: bool | None = None


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
    # The title is the level-1 heading that opens the guide, or, in a guide with no level-1
    # heading, whatever heading opens it.
    no_h1 = not any(b.kind == "heading" and b.level == 1 for b in body)
    if body and body[0].kind == "heading" and (body[0].level == 1 or no_h1):
        title = body.pop(0).text
    groups: list[tuple[str, str, list[Block]]] = [(title, "", [])]  # heading, parent, blocks
    open_headings: list[Block] = []  # the headings above the current one, outermost first
    for block in body:
        if block.kind == "heading":
            if block.text.casefold() == title.casefold() and not any(g[2] for g in groups):
                # The title again over the text, as in pages saved from the web; further down,
                # a heading that reads like the title ("Overview") is a section's.
                continue
            while open_headings and open_headings[-1].level >= block.level:
                open_headings.pop()
            parent = open_headings[-1].text if open_headings else ""
            groups.append((block.text, parent, []))
            open_headings.append(block)
        else:
            groups[-1][2].append(block)

    sections: list[Section] = []
    flat = len({b.level for b in body if b.kind == "heading"}) < 2  # headings without levels
    for heading, members in _unique(groups, flat=flat):
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


def _unique(
    groups: Sequence[tuple[str, str, list[Block]]], *, flat: bool
) -> list[tuple[str, list[Block]]]:
    """Section titles that say which section they are: a heading used twice in a guide ("Long
    before the event" under each topic) is named with the heading above it. Where headings have
    no levels (plain text, bold lines in Word) that is the last heading with no text of its own
    ("At the Event", then "Personnel"): a heading over headings."""
    seen = [h.casefold() for h, _, members in groups if members]
    named: list[tuple[str, list[Block]]] = []
    over = ""  # the last heading with nothing under it but headings
    for n, (heading, parent, members) in enumerate(groups):
        parent = parent or (over if flat else "")
        twice = bool(parent) and seen.count(heading.casefold()) > 1
        named.append((f"{parent} — {heading}" if twice else heading, members))
        if n and not members:
            over = heading
    return named


def _is_link_list(blocks: Sequence[Block]) -> bool:
    """A list of links to other pages, not content: where the format marks links, every item
    is one; elsewhere, short bare items with no sentence (content runs longer)."""
    if not blocks or not all(b.kind == "list_item" for b in blocks):
        return False
    if any(b.link is not None for b in blocks):
        return all(b.link for b in blocks)
    words = sum(len(b.text.split()) for b in blocks) / len(blocks)
    return words <= _LINK_WORDS and not any(ends_sentence(b.text) for b in blocks)


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
        if block.kind == "table_row" and block.header and _has_rows(nxt):
            header = block.cells
        elif block.kind == "table_row" and block.header:
            # A header over no rows: a box around a callout (one cell, in Word or drawn in a
            # PDF), or a row of a table whose rows are headed on the left ("Prerequisites:" |
            # "HTML and CSS"). Its text is a passage, not a header over nothing.
            units.append(Unit("paragraph", _header_text(block), block.span))
        elif block.kind == "table_row":
            units.append(Unit("table_row", _row_text(header, block.cells), block.span))
        elif _labels_contents(block, nxt):
            # A table of contents inside a section ("Contents" then its list): navigation.
            while i + 1 < len(blocks) and blocks[i + 1].kind == "list_item":
                i += 1
        elif block.kind == "list_item":
            if i == 0 or blocks[i - 1].kind != "list_item":
                intro = _list_intro(blocks, i)
            units.append(Unit("list_item", block.text, block.span, lead=intro))
        elif _introduces_list(block, nxt):
            pass  # carried by each of its list items instead
        elif nxt is not None and _is_question(block) and nxt.kind == "paragraph":
            question, answer = _QUESTION_MARK.sub("", block.text), _ANSWER_MARK.sub("", nxt.text)
            units.append(Unit("faq", answer, (block.span[0], nxt.span[1]), lead=question))
            i += 1
        else:
            units.append(Unit("paragraph", block.text, block.span))
        i += 1
    return units


def _header_text(row: Block) -> str:
    """ "Owner: Alice" for a row headed on its left, the text for a one-cell box."""
    first, *rest = [c for c in row.cells if c] or [row.text]
    return f"{first.rstrip(':')}: {'; '.join(rest)}" if rest else first


def _has_rows(nxt: Block | None) -> bool:
    return nxt is not None and nxt.kind == "table_row" and not nxt.header


def _labels_contents(block: Block, nxt: Block | None) -> bool:
    label = block.text.strip().rstrip(":").casefold()
    return (
        block.kind == "paragraph"
        and label in TOC_TITLES
        and nxt is not None
        and (nxt.kind == "list_item")
    )


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
        and len(split_sentences(_QUESTION_MARK.sub("", block.text))) == 1  # "Q. Can I …?"
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
