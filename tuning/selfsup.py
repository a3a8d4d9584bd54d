"""Training pairs from a guide's own text, for guides nobody wrote questions for.

Each source turns a chunk into (query, chunk) pairs that look like something a reader would
type: the section's title, a sentence of the chunk (inverse cloze: the query sentence is left
out of what it must find when the chunk has others), a list item without its list, a table
row's label with a column, a FAQ's own question, a crop of a sentence, and the rarest words of a
sentence as a keyword query. Which sources, and how many pairs of each per chunk, is chosen on
the dev guides (docs/tuning.md).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.chunking import embed_text
from retriever.text import STOP_WORDS, words
from retriever.types import Chunk
from tuning.pairs import Pair

Source = Literal["title", "ict", "list", "table", "faq", "crop", "keywords"]
SOURCES: tuple[Source, ...] = ("title", "ict", "list", "table", "faq", "crop", "keywords")


@dataclass(frozen=True, slots=True, kw_only=True)
class Mix:
    """Pairs per chunk from each source (fractions are drawn at random, seeded)."""

    weights: Mapping[Source, float]
    seed: int = 42

    def to_dict(self) -> dict[str, float]:
        return {s: float(self.weights.get(s, 0.0)) for s in SOURCES}


def self_supervised_pairs(chunks: Sequence[Chunk], mix: Mix) -> list[Pair]:
    """Pairs for every chunk of `chunks` (one or many guides), in a seeded order."""
    rng = random.Random(mix.seed)
    rarity = _Rarity(chunks)
    titled: set[tuple[str, str]] = set()
    pairs: list[Pair] = []
    for chunk in chunks:
        for source in SOURCES:
            weight = mix.weights.get(source, 0.0)
            count = int(weight) + (1 if rng.random() < weight - int(weight) else 0)
            if count == 0:
                continue
            if source == "title":  # once per section: every chunk of it would be a positive
                key = (chunk.document_id, chunk.section)
                if key in titled:
                    continue
                titled.add(key)
            queries = list(_queries(source, chunk, rng, rarity))
            rng.shuffle(queries)
            for query, positive in queries[:count]:
                pairs.append(Pair(query, positive, chunk.id))
    rng.shuffle(pairs)
    return pairs


def _queries(
    source: Source, chunk: Chunk, rng: random.Random, rarity: _Rarity
) -> Iterator[tuple[str, str]]:
    sentences = chunk.answer_sentences
    whole = chunk.embed_text
    if source == "title":
        yield chunk.section, whole
    elif source == "ict":
        for s in sentences:
            if len(s.split()) < 5:
                continue
            rest = [t for t in sentences if t != s]
            # The sentence left out of what it must find, when there is anything left.
            target = (
                embed_text(chunk.section, " ".join([chunk.lead, *rest]).strip()) if rest else whole
            )
            yield s, target
    elif source == "list" and chunk.kind == "list_item" and chunk.lead:
        yield chunk.own_text, whole
    elif source == "table" and chunk.kind == "table_row":
        label, _, cells = chunk.text.partition(" — ")
        for cell in cells.split("; "):
            column = cell.split(":", 1)[0].strip()
            if column:
                yield f"{label} {column}", whole
    elif source == "faq" and chunk.kind == "faq" and chunk.lead:
        yield chunk.lead, whole
    elif source == "crop":
        for s in sentences:
            tokens = s.split()
            if len(tokens) >= 8:
                size = rng.randint(4, min(10, len(tokens) - 1))
                start = rng.randint(0, len(tokens) - size)
                yield " ".join(tokens[start : start + size]), whole
    elif source == "keywords":
        for s in sentences:
            rare = rarity.rarest(s, rng.randint(2, 4))
            if len(rare) >= 2:
                yield " ".join(rare), whole


class _Rarity:
    """Inverse document frequency of words over the chunks: rare words make keyword queries."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        df = Counter(w for c in chunks for w in set(words(c.text)))
        self.n = max(len(chunks), 1)
        self.idf = {w: math.log((self.n + 1) / (f + 0.5)) for w, f in df.items()}

    def rarest(self, sentence: str, k: int) -> list[str]:
        seen: dict[str, float] = {}
        for w in words(sentence):
            if w not in STOP_WORDS and len(w) > 2 and not w.isdigit():
                seen[w] = self.idf.get(w, math.log(self.n + 2))
        ranked = sorted(seen, key=lambda w: -seen[w])[:k]
        return [w for w in words(sentence) if w in ranked][:k]  # in reading order
