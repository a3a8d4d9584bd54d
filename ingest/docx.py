"""Word documents (.docx, python-docx) into the structural `Block`s every format maps onto.

Headings come from the heading styles (Title, Heading 1–9, and house styles based on them or
setting an outline level), list items from list styles or
Word numbering, tables from the document's tables (the first row is the header), in reading
order; footnotes and endnotes after what refers to them (`ingest.docx_notes`). A document
written without heading styles (its author set the headings in bold) takes
its short bold paragraphs as headings instead, where most paragraphs are not bold. The package
is unpacked within budget first (`ingest.archive`), and the loop checks the guide's budgets as
it goes.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ingest.archive import checked_package
from ingest.bold_headings import could_head, with_bold_headings
from ingest.budgets import Guard
from ingest.docx_notes import read_notes
from ingest.errors import CorpusError
from ingest.structure import Block

_HEADING = re.compile(r"^(?:Heading\s*(\d)|Title)$", re.IGNORECASE)
# Word's table of contents typed as paragraphs ("TOC 1", "TOC Heading", based on Heading 1):
# the headings it lists come again below, with their text.
_CONTENTS_STYLE = re.compile(r"^toc(?:\s*\d|\s+heading)$", re.IGNORECASE)
_CONTENTS = "TOC"
# Code, in the styles Word, LibreOffice and pandoc set it in (or a house style based on one): not
# prose a question is answered from, as Markdown's fences and HTML's <pre> are not.
_CODE_STYLE = re.compile(
    r"^(?:source code|html preformatted|preformatted text|macro text|code(?: block)?|verbatim)$",
    re.IGNORECASE,
)
_CODE = "Code"
_BASED_ON_DEPTH = 8  # styles based on styles: a loop in a hostile file must end
_SDT_DEPTH = 8  # content controls inside content controls, text boxes inside text boxes
# A text box's paragraphs: python-docx reads none. Word writes each box twice, as a drawing and,
# for older readers, as VML inside mc:Fallback; the fallback's copy is left out.
_TEXT_BOXES = ".//w:txbxContent[not(ancestor::mc:Fallback)][not(ancestor::w:txbxContent)]"
_BOX_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def parse_docx(raw: bytes, guard: Guard) -> list[Block]:
    name = guard.name
    try:
        from docx import Document as open_docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = open_docx(checked_package(raw, guard))
    except CorpusError:
        raise  # over a budget, or a member that leaves the package
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorpusError(f"{name}: not a readable .docx ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises its own types for broken packages
        raise CorpusError(f"{name}: not a readable .docx ({exc})") from exc
    blocks = guard.blocks()
    offset = 0
    styles = _paragraph_styles(document, guard)

    def add(block_kind: Any, text: str, **extra: Any) -> None:
        nonlocal offset
        blocks.append(Block(block_kind, text, (offset, offset + len(text)), **extra))
        offset += len(text) + 1

    notes = read_notes(document, guard)
    pending: list[str] = []  # notes referred to, read after the block (or list) that refers

    def notes_so_far() -> None:
        for note in pending:
            add("paragraph", note)
        pending.clear()

    bold: list[int] = []  # which paragraph blocks could be headings set in bold
    for item in _inner_content(document.element.body, document, guard):
        guard.tick()  # empty paragraphs add no block, and so no other check
        if isinstance(item, Table):
            notes_so_far()
            pending += notes.referenced(item._tbl)
            for row_number, row in enumerate(item.rows):
                guard.tick()
                cells = tuple(" ".join(cell.text.split()) for cell in row.cells)
                if any(cells):
                    add("table_row", " | ".join(cells), cells=cells, header=row_number == 0)
        elif isinstance(item, Paragraph):
            text = " ".join(_text(item).split())
            if not text:
                continue
            style = styles.get(item._p.style, styles[None])
            heading = _HEADING.match(style)
            if style in (_CONTENTS, _CODE):
                continue
            listed = not heading and _is_list_item(item, style)
            if not listed:
                notes_so_far()
            pending += notes.referenced(item._p)
            if heading:
                add("heading", text, level=int(heading.group(1) or 1))
            elif listed:
                add("list_item", text)
            else:
                if _bold_heading(item, text):
                    bold.append(len(blocks))
                add("paragraph", text)
    notes_so_far()
    return with_bold_headings(blocks, bold, guard)


def _text(paragraph: Any) -> str:
    """The paragraph's text with changes tracked in it as accepted: python-docx reads the runs a
    paragraph holds, not those inside a tracked insertion (`w:ins`), so a draft's added words
    were lost. Each run's pieces are read as python-docx reads them (a tab, a break, a
    non-breaking hyphen), with one compiled XPath: python-docx's own `text` builds an XPath
    evaluator for each run and paragraph, two thirds of the time a 30,000-paragraph file took."""
    return "".join(str(piece) for piece in _run_pieces()(paragraph._p))


@functools.cache
def _run_pieces() -> Any:
    from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library

    runs = ("./w:r", "./w:hyperlink/w:r", "./w:ins/w:r", "./w:moveTo/w:r")
    pieces = ("w:br", "w:cr", "w:noBreakHyphen", "w:ptab", "w:t", "w:tab")
    path = " | ".join(f"{run}/{piece}" for run in runs for piece in pieces)
    return etree.XPath(path, namespaces={"w": _BOX_NAMESPACES["w"]})


def _inner_content(element: Any, parent: Any, guard: Guard, depth: int = 0) -> Iterator[Any]:
    """The paragraphs and tables of the body in reading order, those inside content controls
    (w:sdt, as templates and forms hold their text) too; python-docx's `iter_inner_content`
    skips them. A table of contents, which Word keeps in one, is not the guide's text."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        guard.tick()
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
            if depth < _SDT_DEPTH:  # text boxes anchored in it (a sidebar, a callout)
                for box in _text_boxes()(child):
                    yield from _inner_content(box, parent, guard, depth + 1)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt") and depth < _SDT_DEPTH and not _is_contents(child):
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from _inner_content(content, parent, guard, depth + 1)


@functools.cache
def _text_boxes() -> Any:
    from lxml import etree

    return etree.XPath(_TEXT_BOXES, namespaces=_BOX_NAMESPACES)


def _is_contents(sdt: Any) -> bool:
    from docx.oxml.ns import nsmap

    path = "./w:sdtPr/w:docPartObj/w:docPartGallery/@w:val"
    gallery = sdt.xpath(path, namespaces={"w": nsmap["w"]})
    return bool(gallery) and "contents" in str(gallery[0]).casefold()


def _bold_heading(paragraph: Any, text: str) -> bool:
    """A short paragraph set in bold that ends no statement (a question may be a heading)."""
    if not could_head(text):
        return False
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _paragraph_styles(document: Any, guard: Guard) -> dict[str | None, str]:
    """{style id: name} of the paragraph styles, None for the default. python-docx's
    `paragraph.style` scans every style for the default on each call (1 ms a paragraph here):
    30,000 paragraphs took 30 s."""
    from docx.enum.style import WD_STYLE_TYPE

    names: dict[str | None, str] = {}
    for style in document.styles:
        guard.tick()
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            level = _heading_level(style)
            name = style.name or ""
            if _CONTENTS_STYLE.match(name):
                name = _CONTENTS
            elif level:
                name = f"Heading {level}"
            elif _is_code(style):
                name = _CODE
            names.setdefault(style.style_id, name)
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names[None] = (default.name or "") if default is not None else ""
    return names


def _heading_level(style: Any) -> int:
    """1–9 for a heading style: a built-in one, a house style based on one ("Chapter" based on
    Heading 1), or one that sets an outline level, as Word's navigation pane reads them; else 0."""
    for ancestor in _lineage(style):
        named = _HEADING.match(ancestor.name or "")
        if named:
            return int(named.group(1) or 1)
        outline = ancestor.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if outline and outline[0].isdigit() and int(outline[0]) < 9:  # 9 is body text
            return int(outline[0]) + 1
    return 0


def _is_code(style: Any) -> bool:
    return any(_CODE_STYLE.match(ancestor.name or "") for ancestor in _lineage(style))


def _lineage(style: Any) -> Iterator[Any]:
    """The style and those it is based on, nearest first (a loop in a hostile file ends)."""
    for _ in range(_BASED_ON_DEPTH):
        if style is None:
            return
        yield style
        style = style.base_style


def _is_list_item(paragraph: Any, style: str) -> bool:
    if "list" in style.lower():
        return True
    properties = paragraph._p.pPr  # Word numbering without a list style
    return properties is not None and properties.numPr is not None
