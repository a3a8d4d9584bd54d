"""Turns that are only social ("hi", "thanks, that helps", "bye", "what can you do?"): answered
with what the assistant is, never searched.

Searched, "hi" abstained with "The guide does not cover this question", and "thanks, that helps"
after a question on pay was read as a follow-up and repeated the pay answer. Chat clients (the
page, `/v1`, an MCP host) send such turns all the time. Only a whole turn made of these phrases
counts: "hi, how much do AI engineers earn?" is a question and is searched as one. No in-scope
eval question or follow-up turn of any split is one (tests/retriever/test_smalltalk.py).

The replies name the guides served and nothing else: they say what the assistant does, not what
a guide says, so they cite nothing, and they count as abstentions (`abstained`: the guide gives
no answer to "hi"), marked `social` so that a client shows them as replies, not as "no answer
in the guide". The train split's off-topic questions hold a few ("hello?", "thanks!"), and an
off-topic set may hold more: there they abstain, as before, with a kinder text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from retriever.types import Answer

Kind = Literal["greeting", "thanks", "ack", "goodbye", "help"]

_OPEN = r"(?:(?:ok(?:ay)?|oh|great|cool|nice|perfect|awesome|alright|well)\s+)*"
_TO_YOU = r"(?:\s+(?:there|all|everyone|folks|friend|bot|guide-?rag))?"
_HOW_ARE = r"(?:\s+how\s+(?:are|r)\s+(?:you|u)(?:\s+doing)?(?:\s+today)?)?"
_PATTERNS: dict[Kind, str] = {
    "greeting": rf"(?:hi+|hello+|hey+|hiya|howdy|greetings|yo|good\s+(?:morning|afternoon|"
                rf"evening|day)){_TO_YOU}{_HOW_ARE}|how\s+(?:are|r)\s+(?:you|u)",
    "thanks": rf"{_OPEN}(?:thanks?|thank\s+(?:you|u)|thx|ty|cheers|much\s+appreciated)"
              r"(?:\s+(?:so|very)\s+much|\s+a\s+lot|\s+again|\s+a\s+bunch)?"
              r"(?:\s+(?:that|this|it)\s+(?:helps|helped|was\s+(?:helpful|useful|great)))?"
              r"(?:\s+for\s+(?:the|your)\s+(?:help|answer|answers|info|information))?",
    "ack": rf"{_OPEN}(?:ok(?:ay)?|k|cool|great|nice|perfect|awesome|alright|got\s+it|i\s+see"
           r"|makes\s+sense|sounds\s+good|understood|noted|yes|yeah|yep|sure)",
    "goodbye": rf"{_OPEN}(?:(?:thanks?|thank\s+you)\s+)?(?:bye(?:\s+bye)?|goodbye|cya"
               r"|see\s+(?:you|ya)(?:\s+later)?|good\s+night|later)(?:\s+now|\s+for\s+now)?",
    "help": r"help(?:\s+me)?|what\s+can\s+(?:you|u)\s+do|what\s+do\s+(?:you|u)\s+do"
            r"|who\s+are\s+(?:you|u)|what\s+are\s+(?:you|u)|how\s+does\s+this\s+work"
            r"|how\s+do\s+i\s+use\s+(?:this|you)"
            r"|what\s+(?:questions\s+)?(?:can|should)\s+i\s+ask(?:\s+(?:you|here))?"
            r"|how\s+can\s+(?:you|u)\s+help(?:\s+me)?",
}  # fmt: skip
_KINDS = tuple((kind, re.compile(rf"^(?:{pattern})$")) for kind, pattern in _PATTERNS.items())
# What a social turn may carry around its words: punctuation, emoji, "please".
_NOISE = re.compile(r"[^a-z' -]+|\bplease\b|\bpls\b")


def social(question: str) -> Kind | None:
    """The kind of social turn `question` is, or None for anything that asks something."""
    said = " ".join(_NOISE.sub(" ", question.lower().replace("’", "'")).split())
    said = said.replace("'", "")
    if not said or len(said) > 60:
        return None
    for kind, pattern in _KINDS:
        if pattern.match(said):
            return kind
    return None


def reply(kind: Kind, titles: Sequence[str]) -> Answer:
    """The answer to a social turn, naming the guides served (`titles`, in order)."""
    about = _about(titles)
    guide, it = ("the guides'", "they cover") if len(titles) > 1 else ("the guide's", "it covers")
    ask = f"Ask me anything about {about}: I answer with {guide} own sentences, each cited."
    see = f"To see what {it}, ask “What does this guide cover?”"
    text = {
        "greeting": f"Hello! {ask} {see}",
        "help": (
            f"I answer questions about {about} with {guide} own sentences, each with a numbered "
            "citation to the passage it comes from, and I say so when a question is not covered. "
            f"A follow-up question is read with the earlier ones. {see}"
        ),
        "thanks": f"You're welcome. Ask another question about {about} whenever you like.",
        "ack": f"Ask another question about {about} whenever you like.",
        "goodbye": "Goodbye!",
    }[kind]
    return Answer(text, abstained=True, social=True)


def _about(titles: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in titles]
    if len(quoted) == 1:
        return quoted[0]
    if 1 < len(quoted) <= 4:
        return f"{len(quoted)} guides, {', '.join(quoted[:-1])} and {quoted[-1]}"
    return f"{len(quoted)} guides" if quoted else "the guides"
