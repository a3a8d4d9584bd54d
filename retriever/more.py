""" "Tell me more": a turn that asks for more of the answer before it.

"tell me more", "go on", "what else?", "can you elaborate?" bring no words of their own. Read as
the question they continue, they were answered with the very sentences just given ("tell me
more" after "What does an AI engineer do day to day?" repeated two of its three sentences).
They are answered from that question's next passages instead: every chunk that an answer of
the chain cited is left out of the search, so each "more" brings passages not cited yet. When
what is left no longer answers the question (the judge, as for any question), the reply says
no other passage answers it closely enough.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from retriever.search import Keep
from retriever.types import Answer, Chunk

NO_MORE_TEXT = "No other passage of the guide answers this closely enough to quote."

_FILLER = r"(?:(?:ok(?:ay)?|cool|great|thanks|thank\s+you|sure|nice|yes|yeah|so|and|hmm)\W+)*"
_ASK = (
    r"(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+|pls\s+)?"
    r"(?:tell\s+me\s+more|say\s+more|more|go\s+on|keep\s+going|continue|elaborate|expand"
    r"|what\s+else|anything\s+else|anything\s+more|is\s+there\s+(?:more|anything\s+else))"
)
_TAIL = (
    r"(?:\s+(?:info|information|details?))?(?:\s+(?:on|about)\s+(?:that|this|it|those|these))?"
    r"(?:\s+(?:please|pls))?"
)
_MORE = re.compile(rf"^\W*{_FILLER}{_ASK}{_TAIL}\W*$", re.IGNORECASE)


def asks_more(turn: str) -> bool:
    """The whole turn asks for more of the answer before it, and nothing else."""
    return len(turn) <= 80 and _MORE.match(turn) is not None


def continued(turn: str, earlier: Sequence[str]) -> int | None:
    """Which earlier turn a "more" turn (and the "more" turns just before it) continues; None
    for any other turn, or when no earlier turn asked anything."""
    if not asks_more(turn):
        return None
    base = len(earlier) - 1
    while base >= 0 and asks_more(earlier[base]):
        base -= 1
    return base if base >= 0 else None


def without(keep: Keep | None, chunks: Sequence[Chunk], cited: set[str]) -> Keep:
    """`keep`, less the chunks already cited."""
    left_out = frozenset(cited)
    if keep is None:
        return lambda i: chunks[i].id not in left_out
    return lambda i: keep(i) and chunks[i].id not in left_out


def more_of(
    answer: Callable[[Keep | None], Answer],
    chunks: Sequence[Chunk],
    keep: Keep | None,
    times: int,
    asked: str,
    whole: bool = False,
) -> Answer:
    """The answer `times` "more"s after the first one: each time, what the question's passages
    say once every chunk cited before is left out. `asked` is the question they continue;
    `whole` when its answer was a whole section or the guide's outline, which has no more."""
    cited: set[str] = set()
    given = answer(keep)
    for _ in range(times):
        if given.abstained or not given.citations:
            break
        cited.update(c.chunk_id for c in given.citations)
        if whole:
            break
        given = answer(without(keep, chunks, cited))
    read_with = (*given.read_with, asked)
    if cited and (whole or given.abstained or not given.citations):
        return Answer(NO_MORE_TEXT, abstained=True, read_with=read_with)
    return replace(given, read_with=read_with)
