"""Answers to "why?": a question that asks why is answered with a sentence that gives a reason.

Asked "is it worth learning both? why?", the shipped guide's best passage is a summary table's
row ("Learning both skill sets makes you more valuable by bridging …"), and the reason ("…
because you can bridge the gap …") is in another section's passage ranked second: the answer
kept to the row's section and gave no reason. Chosen on the follow-up dev split, where it moved
51 of 56 from 50; the single questions of every dev set kept their figures (docs/evaluation.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from retriever.types import Hit

# Words that give a reason; "since" and "so" are left out: as often about time or degree.
_REASON = re.compile(
    r"\b(?:because|so that|which is why|that's why|the reason|due to|as a result|which means"
    r"|this means)\b",
    re.IGNORECASE,
)


class Said(Protocol):
    @property
    def hit(self) -> Hit: ...
    @property
    def position(self) -> int: ...
    @property
    def text(self) -> str: ...


S = TypeVar("S", bound=Said)


def gives_reason(sentence: str) -> bool:
    return bool(_REASON.search(sentence))


def with_reason(chosen: Sequence[S], ranked: Sequence[S], top: Hit, limit: int) -> list[S]:
    """`chosen` with the best of `ranked` that gives a reason, when none of them does. Past
    `limit` sentences, the last one of a passage other than the retriever's pick makes room."""
    if any(gives_reason(s.text) for s in chosen):
        return list(chosen)
    taken = {(s.hit.chunk.id, s.position) for s in chosen}
    reason = next(
        (s for s in ranked if gives_reason(s.text) and (s.hit.chunk.id, s.position) not in taken),
        None,
    )
    if reason is None:
        return list(chosen)
    kept = list(chosen)
    if len(kept) >= limit:
        others = [i for i, s in enumerate(kept) if s.hit is not top]
        if not others:
            return kept
        del kept[others[-1]]
    return [*kept, reason]
