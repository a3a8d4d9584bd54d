"""What the composer reads: the retrieved hits, widened once to what the question's shape needs.

A list question gets every item of the top hit's list, not only the items retrieval ranked; a
comparison gets the table rows the question names, even when they retrieved weakly; a question
that asks for a list or table section by its title ("what are the key takeaways?") gets the
whole section, in the guide's order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from retriever.answer.shape import COMPARISON, Shape
from retriever.answer.terms import TermWeights, terms
from retriever.search.base import Keep
from retriever.types import Chunk, Hit

Score = Callable[[int], float]  # the query's cosine to a chunk index


@dataclass(frozen=True, slots=True)
class Context:
    hits: tuple[Hit, ...]  # rank order: the retrieved hits, then any widened ones
    named_rows: tuple[Hit, ...] = ()  # the table rows (among `hits`) the question names
    vector: np.ndarray | None = None  # the question's embedding, for sentence-level scoring
    # Every row or item, in reading order, of the list or table section the question asks for
    # by its title (and the top hit belongs to); empty otherwise.
    section: tuple[Hit, ...] = ()

    @property
    def top(self) -> Hit:
        return self.hits[0]

    def list_of(self, item: Hit) -> list[Hit]:
        """The items of `item`'s list among the hits, in reading order (empty without a lead)."""
        key = list_key(item.chunk)
        if key is None:
            return []
        members = (h for h in self.hits if list_key(h.chunk) == key)
        return sorted(members, key=lambda h: h.chunk.position)


def list_key(chunk: Chunk) -> tuple[str, str, str] | None:
    """Items of one list share document, section and lead; an item with no lead has no list."""
    if chunk.kind != "list_item" or not chunk.lead:
        return None
    return chunk.document_id, chunk.section, chunk.lead


def lists_of(chunks: Sequence[Chunk]) -> dict[tuple[str, str, str], list[int]]:
    """Each list's items, as indexes into `chunks` in their order, by `list_key`."""
    lists: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, chunk in enumerate(chunks):
        key = list_key(chunk)
        if key is not None:
            lists[key].append(i)
    return lists


def names_row(question: str, chunk: Chunk, weights: TermWeights) -> bool:
    """The question names this table row's label ("math" → the "Mathematics" row).

    Only distinctive label words count: "engineering" is in every row of this guide.
    """
    if chunk.kind != "table_row":
        return False
    label = {t for t in terms(chunk.text.split(" — ")[0]) if weights.distinctive(t)}
    return any(
        q.startswith(t) or t.startswith(q)
        for q in terms(COMPARISON.sub(" ", question))
        for t in label
        if min(len(q), len(t)) >= 4
    )


class Widener(Protocol):
    def widen(
        self, question: str, shape: Shape, hits: Sequence[Hit], score: Score, keep: Keep | None
    ) -> Context: ...


class WholeLists:
    """The served widening: whole lists for list questions, named rows for comparisons, whole
    list or table sections for a question that asks for one by its title."""

    def __init__(self, chunks: Sequence[Chunk], weights: TermWeights) -> None:
        self.chunks = tuple(chunks)
        self.weights = weights
        self._rows = [i for i, c in enumerate(self.chunks) if c.kind == "table_row"]
        self._lists = lists_of(self.chunks)
        sections: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, chunk in enumerate(self.chunks):
            sections[(chunk.document_id, chunk.section)].append(i)
        # Sections that are one list or one table, nothing else: such a section is its items.
        self._structured = {
            key: sorted(members, key=lambda i: self.chunks[i].position)
            for key, members in sections.items()
            if len(members) >= 2 and _one_list_or_table([self.chunks[i] for i in members])
        }

    def widen(
        self, question: str, shape: Shape, hits: Sequence[Hit], score: Score, keep: Keep | None
    ) -> Context:
        extra: list[int] = []
        first = hits[0].chunk
        top = list_key(first)
        named = first.section in shape.sections
        whole = self._structured.get((first.document_id, first.section), []) if named else []
        extra += whole
        if shape.listing and top is not None:
            extra += self._lists[top]
        if shape.comparison:
            extra += [
                i
                for i in self._rows
                if (keep is None or keep(i)) and names_row(question, self.chunks[i], self.weights)
            ]
        have = {h.chunk.id: h for h in hits}
        widened = list(hits)
        for i in extra:
            if self.chunks[i].id not in have:
                have[self.chunks[i].id] = Hit(self.chunks[i], score(i), len(widened) + 1)
                widened.append(have[self.chunks[i].id])
        context = _context(question, shape, widened, self.weights)
        return replace(context, section=tuple(have[self.chunks[i].id] for i in whole))


class RetrievedOnly:
    """No widening: the composer sees what retrieval ranked (an evaluation variant)."""

    def __init__(self, weights: TermWeights) -> None:
        self.weights = weights

    def widen(
        self, question: str, shape: Shape, hits: Sequence[Hit], score: Score, keep: Keep | None
    ) -> Context:
        return _context(question, shape, list(hits), self.weights)


def _one_list_or_table(chunks: Sequence[Chunk]) -> bool:
    """All table rows, or all items of one list (one lead)."""
    if all(c.kind == "table_row" for c in chunks):
        return True
    return all(c.kind == "list_item" for c in chunks) and len({list_key(c) for c in chunks}) == 1


def _context(question: str, shape: Shape, hits: list[Hit], weights: TermWeights) -> Context:
    named = (
        tuple(h for h in hits if names_row(question, h.chunk, weights)) if shape.comparison else ()
    )
    return Context(tuple(hits), named)
