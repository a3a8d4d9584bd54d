"""What kind of answer a question wants, read once from its wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

COMPARISON = re.compile(
    r"\b(vs\.?|versus|differ\w*|compare\w*|comparison|between|which (?:one|role|path)|or)\b", re.I
)
_LIST = re.compile(
    r"^\s*(which|list|name|what (?:are|kinds?|types?|sort)|what \w+ (?:do|does|can|should))\b"
    r"|\b(steps|roadmap|paths|options|tools|examples|responsibilities|challenges|roles)\b",
    re.I,
)
_NUMBER = re.compile(
    r"\b(salar\w*|earn\w*|pay\w*|paid|make|compensation|income|how much|money|\$)", re.I
)


@dataclass(frozen=True, slots=True)
class Shape:
    comparison: bool  # lead with the table row the question names
    listing: bool  # return the whole list the best item belongs to
    figures: bool  # prefer sentences that carry numbers
    # The sections it asks for by their titles (retriever/titles.py): one that is a list or a
    # table is the answer, whole.
    sections: frozenset[str] = frozenset()


def shape_of(question: str, sections: frozenset[str] = frozenset()) -> Shape:
    return Shape(
        comparison=bool(COMPARISON.search(question)),
        listing=bool(_LIST.search(question)),
        figures=bool(_NUMBER.search(question)),
        sections=sections,
    )
