"""Units → chunks: never across a section, within the model's token window, content-derived ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import replace

from ingest.budgets import Budgets
from ingest.structure import Document, Unit, unit_text
from retriever.answer.sentences import sentence_spans
from retriever.text import split_sentences
from retriever.types import Chunk

TokenCounter = Callable[[str], int]
LEAD_WORDS = 10  # a list intro this long carries an answer of its own, not only "It covers:"


def embed_text(section: str, text: str) -> str:
    """What the model reads: the section title gives a short unit its context."""
    return f"{section}\n{text}"


def view_texts(chunk: Chunk) -> tuple[str, str]:
    """What gets embedded for each view of retriever.index.VIEWS: in context, and alone."""
    return chunk.embed_text, chunk.text


def chunk_id(document_id: str, embedded: str) -> str:
    # Derived from exactly what gets embedded, so an unchanged id means an unchanged vector.
    return hashlib.sha256(f"{document_id}\x1f{embedded}".encode()).hexdigest()[:16]


def chunk_document(
    doc: Document, count_tokens: TokenCounter, max_tokens: int, budgets: Budgets | None = None
) -> list[Chunk]:
    """Every searchable chunk of a document, in reading order; OverBudget past the chunk budget
    (a long list intro repeated before every sentence made thousands from a few passages)."""
    guard = (budgets or Budgets()).start(doc.source)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    quoted: set[tuple[str, str]] = set()  # (section, lead) of lists whose intro is quotable
    for section in doc.sections:
        if section.navigation:
            continue
        for unit in section.units:
            kind = unit.kind
            if kind == "navigation":  # only navigation sections hold these, skipped above
                continue
            guard.tick()
            for text, span in _pieces(unit, section.title, count_tokens, max_tokens):
                if len(chunks) == guard.budgets.chunks:
                    raise guard.over("chunks", f"it makes more than {len(chunks):,} chunks")
                embedded = embed_text(section.title, text)
                cid = chunk_id(doc.id, embedded)
                seen[cid] = seen.get(cid, 0) + 1
                if seen[cid] > 1:  # the same text twice in one document
                    cid = f"{cid}-{seen[cid]}"
                chunk = Chunk(
                    id=cid,
                    document_id=doc.id,
                    document_title=doc.title,
                    section=section.title,
                    position=len(chunks),
                    kind=kind,
                    text=text,
                    span=span,
                    source=doc.source,
                    embed_text=embedded,
                    lead=unit.lead,
                )
                # A list's intro is quotable once, from its first item, when it says something
                # of its own ("In the review, the officer and an engineer look at:").
                key = (section.title, unit.lead)
                lead = unit.lead if kind == "list_item" and key not in quoted else ""
                if lead and len(lead.split()) >= LEAD_WORDS:
                    quoted.add(key)
                else:
                    lead = ""
                spans = sentence_spans(chunk.kind, chunk.text, chunk.own_text, lead)
                chunks.append(replace(chunk, sentences=spans))
    return chunks


def _pieces(
    unit: Unit, section: str, count_tokens: TokenCounter, max_tokens: int
) -> Iterable[tuple[str, tuple[int, int]]]:
    """The unit whole if it fits, else runs of whole sentences that each keep the unit's lead."""
    whole = unit_text(unit)
    if count_tokens(embed_text(section, whole)) <= max_tokens:
        yield whole, unit.span
        return
    lead_unit = Unit(unit.kind, "", unit.span, unit.lead)
    budget = max_tokens - count_tokens(embed_text(section, unit_text(lead_unit)))
    group: list[str] = []
    used = 0
    for sentence in split_sentences(unit.text):
        cost = count_tokens(sentence)
        if group and used + cost > budget:
            yield _piece(unit, group)
            group, used = [], 0
        group.append(sentence)
        used += cost
    if group:
        yield _piece(unit, group)


def _piece(unit: Unit, sentences: list[str]) -> tuple[str, tuple[int, int]]:
    start = unit.text.find(sentences[0])
    end = unit.text.find(sentences[-1], start) + len(sentences[-1])
    own = unit.text[start:end]
    text = unit_text(Unit(unit.kind, own, unit.span, unit.lead))
    # Spans are exact when the unit's text is verbatim from the file (paragraphs, list items).
    length = unit.span[1] - unit.span[0]
    if length == len(unit.text) and not unit.lead:
        return text, (unit.span[0] + start, unit.span[0] + end)
    return text, unit.span
