"""Follow-up questions: when a chat's new question leans on the ones before it, retrieval and
composition read it together with the previous question.

"How much do AI engineers earn?" then "and ML engineers?": the second says nothing about pay on
its own. A question depends on the conversation when it is very short, or fairly short and
either refers back with a pronoun or has no content word the guide knows. Chosen on the
follow-up dev split against a second check: a self-contained dev question asked after an
unrelated one must keep its answer (README, Follow-up questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retriever.answer.terms import TermWeights, terms
from retriever.text import words

SHORT = 4  # words: "and ML engineers?" is 3; at this length a question always leans back
LEAN = 8  # words: up to here a pronoun or an unknown vocabulary also says it leans back
# fmt: off
PRONOUNS = frozenset([
    "it", "its", "they", "them", "their", "theirs", "that", "this", "those", "these", "he",
    "she", "him", "her", "one", "ones", "there", "then", "such",
])
# fmt: on


def depends_on_history(question: str, weights: TermWeights) -> bool:
    said = words(question)
    if len(said) <= SHORT:
        return True
    known = [t for t in terms(question) if weights.known(t)]
    return len(said) <= LEAN and (bool(PRONOUNS.intersection(said)) or not known)


@dataclass(frozen=True, slots=True)
class Reading:
    """How a question is read: the text retrieval and composition see, and the earlier
    questions it was read with (none for a question that stands alone)."""

    text: str
    read_with: tuple[str, ...] = ()


def contextualize(question: str, history: Sequence[str], weights: TermWeights) -> Reading:
    """The question, led by the previous user question when it depends on it."""
    if not history or not depends_on_history(question, weights):
        return Reading(question)
    earlier = history[-1].strip()
    return Reading(f"{earlier} {question}", (earlier,))
