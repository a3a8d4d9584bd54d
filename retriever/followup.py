"""Follow-up questions: how a chat's new question is read with the ones before it.

People ask follow-ups in a few forms, each read its own way:
- a reference to an item of the previous answer ("tell me more about the second one"): the
  item itself;
- a new subject for the previous question ("what about ML engineers?", "and in Germany?",
  "no, I meant the math side"): the previous question with the new subject in place of the one
  it stands for (retriever/subject.py); "the other role", "the other one": the phrase the
  guide sets beside the one asked about ("ML engineers" after "AI engineers");
- a question that leans on the chat (very short, or referring back with "that", "they", a verb
  left out ("what if i don't?"), a conclusion drawn ("so do credentials matter?"), or with no
  content word the guide knows): read after the previous question;
- anything else stands alone: a topic switch is answered as if asked alone.

Earlier turns are read the same way first, so a chain of follow-ups keeps its subject. Chosen on
the follow-up dev split (docs/evaluation.md); the train split was read to write the forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from retriever.answer.terms import TermWeights, terms
from retriever.subject import NOT, PREPOSITIONS, PRONOUNS, Embed, Subjects, swap, with_article
from retriever.text import CLITICS, WHY, words

if TYPE_CHECKING:
    from retriever.types import Chunk

Form = Literal["alone", "lean", "item", "subject"]
SHORT = 4  # words: "and ML engineers?" is 3; at this length a question always leans back
LEAN = 10  # words: up to here a pronoun or an unknown vocabulary also says it leans back
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "last": -1,
    "final": -1,
}  # fmt: skip
_NTH = (
    r"first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|eighth|8th|"
    r"last|final"
)
_NOUN = r"one|point|step|item|thing|option|path|role|mistake|bullet|part|takeaway|idea|tip"
# An ordinal names an item after a determiner ("the second", "that last one") or before a noun
# ("second point"); bare, it is an adverb: "should I learn PyTorch or TensorFlow first?".
_ITEM = re.compile(
    rf"\b(?:the|that|this|your)\s+(?P<nth>{_NTH})\b|\b(?P<named>{_NTH})\s+(?:{_NOUN})\b"
    r"|\b(?:step|point|item|number|#)\s*(?P<num>\d{1,2})\b",
    re.IGNORECASE,
)
_NEW_SUBJECT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|but|hmm|oh)\W+)*(?:"
    r"(?:(?:no+|nope|sorry|oops|wait|ugh|actually|my\s+bad)\W+)+(?:\w+\W+){0,2}?"
    r"(?:(?:i\s+)?(?:meant|mean)\b|typo\b)?"
    r"|(?:i\s+)?(?:meant|mean)\b|what\s+about|how\s+about|and\s+(?:for|in|with)?|same\s+for"
    r"|(?:and\s+)?(?:for|in)\b)\s*(?P<subject>.*)$",
    re.IGNORECASE,
)
# A career level, alone as a new subject ("seniors", "the junior ones") or in a question.
_LEVELS = r"entry[- ]level|junior|senior|experienced|mid[- ]level"
_LEVEL = re.compile(rf"\b(?:{_LEVELS})\b", re.IGNORECASE)
_LEVEL_ONLY = re.compile(rf"^(?:the\s+)?(?P<level>{_LEVELS})(?:s|\s+ones?)?$", re.IGNORECASE)
# A turn about both of the last two subjects: "compare them", "what do they have in common?".
_BOTH = re.compile(
    r"\b(?:between\s+them|compare(?:d)?\s+them|both|the\s+two|in\s+common|each\s+other"
    r"|differ(?:ence|ences)?)\b",
    re.IGNORECASE,
)
# A new subject is a phrase; a whole question after "and" or "ok" is a question of its own.
_QUESTION = re.compile(
    r"^(?:what|how|why|which|who|when|where|is|are|do|does|did|can|could|should|would|will)\b",
    re.IGNORECASE,
)
# Said only of something said before: a verb phrase left out ("what happens if i don't?", "what
# if we can't?"), or a conclusion drawn from the answer before ("so do credentials matter
# most?", after who advances fastest). Dev follow-ups 48 -> 50 of 56; train has neither form.
# ("they", "it", "he", "she" are PRONOUNS: such a turn leans back already.)
_AUX = (
    r"(?:do|does|did|is|are|was|were|am|have|has|can|could|should|would|will|must)"
    r"(?:n['\u2019]?t)?|won['\u2019]?t|can['\u2019]?t"
)
_ELLIPTIC = re.compile(
    rf"\b(?:i|you|we)\s+(?:{_AUX})(?:\s+not)?\W*$"
    rf"|^\W*(?:ok(?:ay)?\W+)?so\s+(?:{_AUX})\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"\b(?:then|instead|too|though|tho|pls|please|sorry|same q|same question|either|also)\b|[?!.]+",
    re.IGNORECASE,
)
# What a new subject starts with that is not the subject: "i meant to ask about moving over",
# "how about for ML?" (a preposition before one word: the earlier question keeps its own).
_LEADING = re.compile(
    rf"^(?:(?:to\s+)?ask(?:ing)?\s+about|about|{PREPOSITIONS}(?=\s+\S+$))\s+", re.IGNORECASE
)
# "totally different q:", "unrelated, but", "changing subject —": says the turn stands alone.
_SWITCH = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|anyway)\W+)*(?:(?:totally|completely|a|an|now|on\s+an?)\s+)?"
    r"(?:different|diff|new|other|another|separate|unrelated|switching|changing)"
    r"(?:\s+(?:q|question|topic|topics|thing|subject|note))?\s*[,.:;!\u2014-]+\s*(?:but\s+)?"
    r"(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# "thanks! what about ML engineers?", "great, and in Germany?": what a chat says before a
# follow-up, which would hide its form ("what about …" must open the turn to be read as one).
_THANKS = re.compile(
    r"^\W*(?:thanks?(?:\s+you)?(?:\s+(?:a\s+lot|so\s+much|very\s+much))?|thx|ty|great|cool|nice"
    r"|perfect|awesome"
    r"|got\s+it|makes\s+sense|ok(?:ay)?\s+(?:cool|great|thanks|got\s+it))\s*[!.,;:\u2014-]+\s*"
    r"(?=\w)",
    re.IGNORECASE,
)
_MEANT = re.compile(r"\b(?:i\s+)?meant?\b", re.IGNORECASE)
# "AI engineers i mean" (not "the mean"): the cue said last.
_MEANT_LAST = re.compile(r"\W*\bi\s+meant?\W*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    """How a question is read: the text retrieval and composition see, the earlier questions it
    was read with, and the words this turn itself brings (what abstention must find)."""

    text: str
    read_with: tuple[str, ...] = ()
    focus: str = ""
    form: Form = "alone"
    asked: str = ""  # the turn as the user typed it


Items = Callable[["Reading"], Sequence[str]]  # the items of the answer to an earlier reading


class Reader:
    def __init__(
        self, weights: TermWeights, embed: Embed, items: Items, chunks: Sequence[Chunk] = ()
    ) -> None:
        self.weights = weights
        self.items = items
        self.subjects = Subjects(weights, embed, chunks)

    def read(self, question: str, history: Sequence[str]) -> Reading:
        # Each turn is read once, oldest first, with the reading of the turn before it: a
        # chain of follow-ups ("and in Germany?", "and ML?") carries its subject along in
        # linear time, however many turns ask about items.
        earlier: list[Reading] = []
        for turn in history:
            earlier.append(self._read_one(turn, earlier))
        return self._read_one(question, earlier)

    def _read_one(self, question: str, earlier: Sequence[Reading]) -> Reading:
        return replace(self._interpret(question, earlier), asked=question.strip())

    def _interpret(self, question: str, readings: Sequence[Reading]) -> Reading:
        question = _THANKS.sub("", question) if readings else question
        switch = _SWITCH.match(question)
        if switch and terms(switch.group("rest")):
            return Reading(switch.group("rest"), focus=switch.group("rest"))
        if not readings:
            return Reading(question, focus=question)
        earlier = readings[-1]
        previous = earlier.asked
        item = _ITEM.search(question)
        if item and _length(words(question)) <= 12:
            nth = item.group("nth") or item.group("named") or ""
            n = _ORDINALS.get(nth.lower()) or int(item.group("num") or 0)
            # The latest answer that has such an item: "what was the third path again?" after
            # a question on pay goes back to the answer that listed the paths.
            for source in reversed(readings) if n else ():
                listed = self.items(source)
                if listed and -len(listed) <= (n - 1 if n > 0 else n) < len(listed):
                    chosen = listed[n - 1 if n > 0 else n]
                    return Reading(f"{chosen} {question}", (source.asked,), chosen, "item")
        subject = _NEW_SUBJECT.match(question)
        new = _subject(subject.group("subject")) if subject else ""
        said = new or (_subject(question) if _length(words(question)) <= 3 else "")
        level = _LEVEL_ONLY.match(said)
        if level and _LEVEL.search(earlier.text):
            # "what about seniors?" after "How much do entry-level AI engineers earn?": the
            # level asked about in place of the level asked before.
            text = with_article(_LEVEL.sub(level.group("level"), earlier.text, count=1),
                                level.group("level").lower())  # fmt: skip
            return Reading(text, (previous,), said, "subject")
        if level and new:
            new = said = f"{level.group('level')} ones"  # "seniors": "senior ones", as below
        pair = self.subjects.pair(earlier.text, said) if not _QUESTION.match(said) else None
        if pair is not None:
            # "how about the other role?", "and ml folks?" after "... AI engineers ...?": the
            # phrase the guide sets beside the one asked about (ML engineers).
            phrase, counterpart = pair
            return Reading(swap(earlier.text, phrase, counterpart), (previous,), counterpart,
                           "subject")  # fmt: skip
        short = _length(words(question)) <= 14  # longer, a turn is a question of its own
        subject_said = bool(new) and short and not _QUESTION.match(new)
        led = self.subjects.leading(earlier.text, new) if subject_said else None
        if led is not None:
            # "what about AI engineers' salaries?" after "How much do ML engineers earn?": the
            # question before about the other of the pair, and what the turn adds to it.
            phrase, counterpart, tail = led
            text = swap(earlier.text, phrase, counterpart)
            read = f"{text} {tail}" if terms(tail) - terms(text) else text
            return Reading(read, (previous,), new, "subject")
        if subject_said and terms(new):
            return Reading(self.subjects.replace(earlier.text, new, question), (previous,), new,
                           "subject")  # fmt: skip
        if subject and _QUESTION.match(new) and _MEANT.search(question[: subject.start("subject")]):
            # "my bad, i meant how AI and ML engineers split the work, not challenges": the
            # question meant, without the apology or what it is not about.
            return Reading(new, focus=new)
        if WHY.match(question) or depends_on_history(question, self.weights):
            if _BOTH.search(question) and earlier.form == "subject" and len(readings) > 1:
                # "what's the difference between them?" after "What does an AI engineer do?",
                # "and ML engineers?": both questions, not the last one's subject alone.
                first = readings[-2]
                return Reading(f"{first.text} {earlier.text} {question}",
                               (first.asked, previous), question, "lean")  # fmt: skip
            return Reading(f"{earlier.text} {question}", (previous,), question, "lean")
        return Reading(question, focus=question)


def _subject(phrase: str) -> str:
    """The new subject a follow-up names, without fillers or what it replaces ("not ai")."""
    said = _MEANT_LAST.sub("", _FILLER.sub(" ", NOT.sub(" ", phrase)).strip(" ,"))
    return _LEADING.sub("", said).strip(" ,")


def _length(said: Sequence[str]) -> int:
    """How many words were typed: `words` of the question, less contractions' second halves."""
    return sum(w not in CLITICS for w in said)


def depends_on_history(question: str, weights: TermWeights) -> bool:
    said = words(question)
    length = _length(said)
    if length <= SHORT:
        return True
    known = [t for t in terms(question) if weights.known(t)]
    cued = bool(PRONOUNS.intersection(said)) or bool(_ELLIPTIC.search(question))
    return length <= LEAN and (cued or not known)
