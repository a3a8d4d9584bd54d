"""Word documents (.docx, python-docx) into the structural `Block`s every format maps onto.

Headings come from the heading styles (Title, Heading 1–9), list items from list styles or
Word numbering, tables from the document's tables (the first row is the header), in reading
order.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ingest.errors import CorpusError
from ingest.structure import Block

_HEADING = re.compile(r"^(?:Heading\s*(\d)|Title)$", re.IGNORECASE)


def parse_docx(raw: bytes, name: str) -> list[Block]:
    try:
        from docx import Document as open_docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = open_docx(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorpusError(f"{name}: not a readable .docx ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises its own types for broken packages
        raise CorpusError(f"{name}: not a readable .docx ({exc})") from exc
    blocks: list[Block] = []
    offset = 0

    def add(block_kind: Any, text: str, **extra: Any) -> None:
        nonlocal offset
        blocks.append(Block(block_kind, text, (offset, offset + len(text)), **extra))
        offset += len(text) + 1

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row_number, row in enumerate(item.rows):
                cells = tuple(" ".join(cell.text.split()) for cell in row.cells)
                if any(cells):
                    add("table_row", " | ".join(cells), cells=cells, header=row_number == 0)
        elif isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            if not text:
                continue
            style = item.style.name if item.style is not None else ""
            heading = _HEADING.match(style or "")
            if heading:
                add("heading", text, level=int(heading.group(1) or 1))
            elif _is_list_item(item, style or ""):
                add("list_item", text)
            else:
                add("paragraph", text)
    return blocks


def _is_list_item(paragraph: Any, style: str) -> bool:
    if "list" in style.lower():
        return True
    properties = paragraph._p.pPr  # Word numbering without a list style
    return properties is not None and properties.numPr is not None
