"""A list's lead speaks for every item of it.

Ingest gives a list's lead ("It is generally better to have a real device running the browser
you want to test — this provides the greatest accuracy…") to each item's text, but as answer
sentences only to the first item's, so that it is quoted once. When retrieval ranks another item
("A Windows PC, with the browsers installed…"), the lead, which often is what answers ("real
hardware vs emulator: which is more accurate?"), could not be quoted. Such an item brings its
list's first item, at its own rank and cosine, with only the lead's sentences to offer, less the
one that introduces the items ("Some of the factors that can trigger a scan include:"), which
says nothing without them.
"""

from __future__ import annotations

from collections.abc import Sequence

from retriever.answer.context import lists_of
from retriever.types import Chunk, Hit


class LeadCarriers:
    def __init__(self, first: dict[str, tuple[Chunk, frozenset[int]]]) -> None:
        # An item's chunk id -> its list's first item, and which of its sentences it offers.
        self.first = first

    def of(self, hits: Sequence[Hit]) -> list[tuple[Hit, frozenset[int]]]:
        """For the items among `hits` whose list's first item is not among them: that item, as
        a hit at the best such item's rank and cosine, and the positions of the sentences of its
        lead that it offers."""
        have = {h.chunk.id for h in hits}
        brought: dict[str, tuple[Hit, frozenset[int]]] = {}
        for hit in sorted(hits, key=lambda h: h.rank):
            carrier = self.first.get(hit.chunk.id)
            if carrier is None or carrier[0].id in have or carrier[0].id in brought:
                continue
            chunk, offered = carrier
            brought[chunk.id] = (Hit(chunk, hit.score, hit.rank), offered)
        return list(brought.values())


def lead_carriers(chunks: Sequence[Chunk]) -> LeadCarriers:
    """Every list item but the first, mapped to its list's first item when that one's answer
    sentences open with the lead's, and those that say something alone."""
    first: dict[str, tuple[Chunk, frozenset[int]]] = {}
    for members in lists_of(chunks).values():
        items = [chunks[i] for i in members]
        head = min(items, key=lambda c: c.position)
        offered = frozenset(
            k
            for k, (start, end) in enumerate(head.sentences)
            if end <= len(head.lead) and not head.text[start:end].rstrip().endswith(":")
        )
        if offered:
            first.update({c.id: (head, offered) for c in items if c is not head})
    return LeadCarriers(first)
