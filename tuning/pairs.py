"""Training pairs: each train question with the chunks of the current guides that hold its facts.

Pairs follow the text: after a guide is edited, a question whose facts are gone has no positive
and is reported (never silently dropped).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.evalset import Question
from retriever.types import Chunk


@dataclass(frozen=True, slots=True)
class Pair:
    question: str
    positive: str  # the chunk as the model embeds it in context: section title, then text
    chunk_id: str


@dataclass(frozen=True, slots=True)
class Pairs:
    pairs: tuple[Pair, ...]
    skipped: tuple[Question, ...]  # no chunk holds any of their facts any more

    @property
    def questions(self) -> int:
        return len({p.question for p in self.pairs})


def training_pairs(questions: Sequence[Question], chunks: Sequence[Chunk]) -> Pairs:
    pairs: list[Pair] = []
    skipped: list[Question] = []
    for q in questions:
        positives = [c for c in chunks if any(f in c.text for f in q.facts)]
        if not positives:
            skipped.append(q)
        pairs += [Pair(q.question, c.embed_text, c.id) for c in positives]
    return Pairs(tuple(pairs), tuple(skipped))


def digest(*parts: object) -> str:
    """sha256 of a JSON rendering: the same inputs give the same key on every machine."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
