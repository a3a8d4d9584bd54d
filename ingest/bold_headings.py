"""Headings set in bold: a document written without heading styles or heading elements (a
Word file whose author made the headings bold, a CMS page of <p><strong> lines) takes its short
bold paragraphs as headings, where most of its paragraphs are not bold."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.budgets import Guard
from ingest.structure import Block

# A bold paragraph ending so is a sentence set in bold; one ending in "?" may be a heading.
_NOT_HEADING_END = re.compile(r"[.!:;,]['\"”’)]*$")
_HEADING_WORDS = 14  # a bold paragraph longer than this is emphasis, not a heading


def could_head(text: str) -> bool:
    """Short, and ends no statement: a bold paragraph that may be a heading."""
    return len(text.split()) <= _HEADING_WORDS and not _NOT_HEADING_END.search(text)


def with_bold_headings(blocks: Sequence[Block], bold: Sequence[int], guard: Guard) -> list[Block]:
    """`blocks` with the bold paragraphs (their indices) as headings, when the document has at
    most one heading of its own (a title) and most of its paragraphs are not bold."""
    styled = sum(b.kind == "heading" for b in blocks)
    paragraphs = sum(b.kind == "paragraph" for b in blocks)
    if styled > 1 or not bold or len(bold) * 2 >= paragraphs:
        return list(blocks)
    chosen = set(bold)
    rebuilt = guard.blocks()  # counted again: the headings count towards the sections budget
    for n, block in enumerate(blocks):
        rebuilt.append(replace(block, kind="heading", level=2) if n in chosen else block)
    return rebuilt
