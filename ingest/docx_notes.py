"""Footnotes and endnotes of a Word document, which python-docx does not read.

A policy or process guide often says in its notes what a sentence rests on: the deadline, the
exception, the source. Each note is read as a paragraph of the section that refers to it, placed
after the block that refers to it (after a list or a table as a whole, so neither is cut in two),
and once, however often it is referred to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.budgets import Guard

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_KINDS = {_RELATIONSHIPS + "footnotes": "footnote", _RELATIONSHIPS + "endnotes": "endnote"}
_REFERENCES = {f"{_W}{kind}Reference": kind for kind in _KINDS.values()}


class Notes:
    """The document's notes by (kind, id), and which of them a block refers to."""

    def __init__(self, texts: dict[tuple[str, str], str]) -> None:
        self.texts = texts
        self._given: set[tuple[str, str]] = set()

    def referenced(self, element: Any) -> list[str]:
        """The texts of the notes `element` refers to, in its order, each note only the first
        time it is referred to."""
        if not self.texts:
            return []  # most documents have none: no walk over each paragraph's XML
        found = []
        for reference in element.iter(*_REFERENCES):
            key = (_REFERENCES[reference.tag], str(reference.get(f"{_W}id")))
            if key in self.texts and key not in self._given:
                self._given.add(key)
                found.append(self.texts[key])
        return found


def read_notes(document: Any, guard: Guard) -> Notes:
    """Every footnote and endnote that has text; Word's separators (notes of another
    `w:type`) are not notes. The parts were unpacked within budget with the package."""
    from docx.oxml.parser import parse_xml  # python-docx's parser: no entities, no network

    texts: dict[tuple[str, str], str] = {}
    for rel in document.part.rels.values():
        kind = _KINDS.get(rel.reltype)
        if kind is None or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)
        for note in root.iterchildren(f"{_W}{kind}"):
            guard.tick()
            if note.get(f"{_W}type", "normal") != "normal":
                continue
            text = " ".join(" ".join(_paragraphs(note)).split())
            if text:
                texts[(kind, str(note.get(f"{_W}id")))] = text
    return Notes(texts)


def _paragraphs(note: Any) -> Iterator[str]:
    for paragraph in note.iter(f"{_W}p"):
        yield "".join(t.text or "" for t in paragraph.iter(f"{_W}t"))
