"""What kind of answer a question wants, read once from its wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.text import WHY

COMPARISON = re.compile(
    r"\b(vs\.?|versus|differ\w*|compare\w*|comparison|between|which (?:one|role|path)|or)\b", re.I
)
# "What does the compliance record contain?" asks for what a list's lead says it holds.
_LIST = re.compile(
    r"^\s*(which|list|name|what (?:are|kinds?|types?|sort)|what \w+ (?:do|does|can|should))\b"
    r"|\b(steps|roadmap|paths|options|tools|examples|responsibilities|challenges|roles)\b"
    r"|\b(?:contains?|includes?|consists?\s+of)\??\s*$",
    re.I,
)
# A question a yes or a no answers: its last question opens with an auxiliary ("can a dev switch
# to ML?", "I'm a Go dev. Is it realistic...?"); "can you tell me how..." asks for the how.
_YES_NO = re.compile(
    r"^(?:(?:so|and|but|ok|okay|well|hey|hi),?\s+)?"
    r"(?:is|isn't|are|aren't|am|was|were|can|can't|could|do|don't|does|doesn't|did|should|"
    r"shall|will|won't|would|has|have|had|must|may|might|need)\b"
    r"(?!\s+(?:you|u)\s+(?:tell|explain|list|give|describe|show|summari[sz]e|walk|help)\b)",
    re.I,
)
# "Is knowing the frameworks enough, or do I need production work?" offers two answers to pick
# from: a guide's "Yes, ..." (its FAQ's answer to another question) would pick neither.
_ALTERNATIVE = re.compile(
    r",\s*or\b|\bor\s+(?:do|does|did|is|are|am|was|were|can|could|should|will|would|have|has|"
    r"must|shall|may|might|need)\b",
    re.I,
)
# "what's the point?" asks why as "why?" does (retriever.text.WHY).
_POINT = re.compile(r"^\W*what(?:'s| is) the (?:point|reason)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(
    r"\b(salar\w*|earn\w*|pay\w*|paid|make|compensation|income|how much|money|\$)", re.I
)


@dataclass(frozen=True, slots=True)
class Shape:
    comparison: bool  # lead with the table row the question names
    listing: bool  # return the whole list the best item belongs to
    figures: bool  # prefer sentences that carry numbers
    # A yes or a no may lead the answer; to any other question a guide's "Yes, ..." (its FAQ's
    # answer to another question) reads as an answer to something not asked.
    yes_no: bool = False
    reason: bool = False  # asks why: an answer that gives no reason takes one (answer/reasons.py)
    # The sections it asks for by their titles (retriever/titles.py): one that is a list or a
    # table is the answer, whole.
    sections: frozenset[str] = frozenset()


def shape_of(question: str, sections: frozenset[str] = frozenset()) -> Shape:
    return Shape(
        comparison=bool(COMPARISON.search(question)),
        listing=bool(_LIST.search(question)),
        figures=bool(_NUMBER.search(question)),
        yes_no=_yes_no(_last_question(question)),
        reason=_asks_why(_last_question(question)),
        sections=sections,
    )


def _yes_no(asked: str) -> bool:
    return bool(_YES_NO.match(asked)) and not _ALTERNATIVE.search(asked)


def _asks_why(asked: str) -> bool:
    return bool(WHY.match(asked) or _POINT.match(asked))


def _last_question(question: str) -> str:
    """The last sentence that asks (ends with "?"), else the last sentence."""
    said = [s for s in _SENTENCE_END.split(question.strip()) if s]
    asking = [s for s in said if s.rstrip().endswith("?")]
    return (asking or said or [""])[-1]
