"""Where a follow-up's new subject goes in the question before it: "what about ML engineers?"
after "What do AI engineers earn?" is "What do ML engineers earn?".

The phrase it replaces is the one the turn says it replaces ("not the tools"), else the phrase the
guide sets beside it as a pair ("the other role", "ml folks": retriever/counterpart.py), else the
phrase of as many words with the same last word, else the phrase most like it by meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from retriever.answer.terms import TermWeights, stem, terms
from retriever.counterpart import Counterparts
from retriever.text import STOP_WORDS

if TYPE_CHECKING:
    from retriever.types import Chunk

SIMILAR = 0.35  # cosine under which no part of the previous question is the one replaced
# fmt: off
PRONOUNS = frozenset([
    "it", "its", "they", "them", "their", "theirs", "that", "this", "those", "these", "he",
    "she", "him", "her", "one", "ones", "there", "then", "such",
])
# fmt: on
NOT = re.compile(r"\b(?:not|instead of)\s+(?:the\s+)?(?P<old>[\w\s-]{2,40}?)\s*(?:[,.?!]|$)", re.I)
PREPOSITIONS = r"(?:for|in|on|with|at)"
# What a new subject starts with that is not part of it: "for ML engineers", "an ML engineer".
# The question before keeps its own preposition and article.
_LEAD = re.compile(rf"^(?:{PREPOSITIONS}\s+)?(?:(?:the|an?)\s+)?(?=\S)", re.IGNORECASE)
# Words that name whoever a phrase names, not something else: "and ML folks?" is "ML engineers".
# fmt: off
_PEOPLE = frozenset(["folks", "folk", "people", "ppl", "peeps", "guys", "ones", "one", "side",
                     "sides", "crowd", "devs", "dev", "role", "roles", "person", "persons"])
# fmt: on
# "the other role", "the other one", "the other": the counterpart of a phrase of the question.
_OTHER = re.compile(r"the\s+other(?:\s+[\w-]+)?", re.IGNORECASE)
# One unit row per text, in one model call for those not embedded before: a follow-up compares
# its new subject with every phrase of the question before it.
Embed = Callable[[Sequence[str]], np.ndarray]


class Subjects:
    """The phrases of a question that a new subject may replace, over one build's guides."""

    def __init__(self, weights: TermWeights, embed: Embed, chunks: Sequence[Chunk] = ()) -> None:
        self.weights = weights
        self.embed = embed
        self.pairs = Counterparts(chunks)

    def prepare(self) -> None:
        """Count the guides' pairs now rather than on the first follow-up that needs them."""
        self.pairs.prepare()

    def pair(self, before: str, said: str) -> tuple[str, str] | None:
        """The phrase of `before` and the one of its pair that a new subject names, if it names
        one: "the other role" or "ml folks" after a question about AI engineers."""
        if not said:
            return None
        return self.other(before) if _OTHER.fullmatch(said) else self.named(before, said)

    def other(self, before: str) -> tuple[str, str] | None:
        """The phrase of `before` the guide sets beside another most often, and that other."""
        found = [(s, pair) for s in phrases(before) if (pair := self.pairs.of(s))]
        if not found:
            return None
        phrase, (counterpart, _) = max(found, key=lambda f: f[1][1])  # the first of equals
        return phrase, counterpart

    def named(self, before: str, new: str) -> tuple[str, str] | None:
        """The phrase of `before` (two words) and the one the guide sets beside it that starts
        with the new subject's first word, when the subject's other words only stand for that
        phrase's last word: itself, another form of it ("engineering"), a clipping of it ("eng"),
        or a word for people in general ("folks", "ppl"). "ML engineering breadth" and "ML ops"
        say more than the pair does."""
        said = _LEAD.sub("", new).lower().split()
        if not 1 <= len(said) <= 3:
            return None
        for phrase in phrases(before):
            head = phrase.split()[-1].lower()
            if all(_stands_for(w, head) or w in _PEOPLE for w in said[1:]):
                counterpart = self.pairs.named(phrase, said[0])
                if counterpart:
                    return phrase, counterpart
        return None

    def leading(self, before: str, new: str) -> tuple[str, str, str] | None:
        """The phrase of `before`, the one the guide sets beside it that the new subject opens
        with, and what the subject says after it: "AI engineers' salaries" after a question on
        what ML engineers earn is ("ML engineers", "AI engineers", "salaries")."""
        said = re.findall(r"[\w-]+", _LEAD.sub("", new))
        if len(said) < 3:
            return None
        first, head = said[0], said[1].lower()
        for phrase in phrases(before):
            counterpart = self.pairs.named(phrase, first)
            if counterpart and _stands_for(head, counterpart.split()[-1].lower()):
                tail = re.split(rf"\b{re.escape(said[1])}\b['’]?s?", new, maxsplit=1)[-1]
                return phrase, counterpart, tail.strip(" ,;:-")
        return None

    def modified(self, before: str, said: Sequence[str]) -> str | None:
        """`before` about the kind of whom it asked about that `said` names ("senior ones", "the
        ML ones"). Of its phrases the guide sets beside another ("AI engineers"), the one whose
        first word the guide pairs with the last word said takes that word in its place ("ML
        ones": "ML engineers"); else the one the guide writes after that word takes the words
        before it ("senior ones": "senior AI engineers", not "senior engineers"). None when the
        guide writes neither: "the free ones" after "what tools do AI engineers use?" is not
        about engineers."""
        paired = [(s, pair[1]) for s in phrases(before) if (pair := self.pairs.of(s))]
        ranked = [s for s, _ in sorted(paired, key=lambda p: -p[1])]  # stable: the first of equals
        for phrase in ranked:
            counterpart = self.pairs.named(phrase, said[-1])
            if counterpart:
                return swap(before, phrase, " ".join([*said[:-1], counterpart]))
        for phrase in ranked:
            if self.pairs.written_before(said[-1], phrase):
                added = " ".join(said)
                return with_article(swap(before, phrase, f"{added} {phrase}"), added)
        return None

    def replace(self, before: str, new: str, question: str) -> str:
        """`before` with `new` in place of the phrase it stands for: the one the question says
        it replaces ("not the tools"), else the one of as many words with the same last word,
        else the phrase most like it; else a new topic about the same roles; else `before` and
        `new`."""
        said = NOT.search(question)
        spans = phrases(before)
        if said:
            old = said.group("old").strip()
            named = [s for s in spans if terms(s) & terms(old)]
            if named:
                return swap(before, named[0], new)
        # "and the ML ones?" after "... AI engineers ...?": "ones" stands for the last word of
        # the span of as many words whose others are most like the new ones ("AI" for "ML").
        content = [w for w in new.split() if w.lower() not in ("the", "a", "an")]
        if len(content) >= 2 and content[-1].lower() in ("one", "ones"):
            modified = self.modified(before, content[:-1])
            if modified is not None:
                return modified
            options = [s.split() for s in spans if len(s.split()) == len(content)]
            if options:
                best, _ = _most_like(self.embed([" ".join(w[:-1]) for w in [content, *options]]))
                fills = options[best]
                filled = " ".join([*content[:-1], fills[-1]])
                return with_article(swap(before, " ".join(fills), filled), filled)
        # "what about AI engineers?" after "... for ML engineers?": the span of as many words
        # ending in the same word (an English phrase's head) is the one it stands for ("ML
        # engineers", not "engineers", which would leave "ML AI engineers").
        # ("what about for ML engineers?": the phrase is "ML engineers"; the question keeps its
        # own preposition.)
        head = _LEAD.sub("", new)
        head_words = head.lower().split()
        sharing = [s for s in spans if len(s.split()) == len(head_words)
                   and s.lower().split()[-1] == head_words[-1]]  # fmt: skip
        if sharing and len(head_words) > 1:
            best, _ = _most_like(self.embed([head, *sharing]))
            return swap(before, sharing[best], head)
        if spans:
            # (Of equals, the first: the longest phrase.)
            best, similarity = _most_like(self.embed([head, *spans]))
            if similarity >= SIMILAR:
                return swap(before, spans[best], head)
            # Nothing it stands for ("and their tools?" after a salary question): the new
            # subject takes the place of what the question asked about (its distinctive words),
            # and keeps whom it asked about (the words the guide uses everywhere).
            kept = [s for s in spans if len(s.split()) == 1
                    and not any(self.weights.distinctive(t) for t in terms(s))]  # fmt: skip
            # ("the breadth one" is elliptical: it stands for something the reader cannot find.)
            said_words = new.lower().split()
            if kept and len(said_words) <= 3 and not {"one", "ones"}.intersection(said_words):
                return f"{new} {' '.join(kept)}"
        return f"{before} {new}"


def with_article(text: str, added: str) -> str:
    """The article before an added word: "an senior AI engineer" is "a senior AI engineer"; an
    acronym ("an ML engineer") is read by its letters, so only a lowercase word sets it."""
    if not added[:1].islower():
        return text
    article = "an" if added[0] in "aeiou" else "a"

    def keep_case(found: re.Match[str]) -> str:  # "An AI engineer" opens a question: "A senior"
        return f"{article.capitalize() if found.group(0)[0].isupper() else article} "

    return re.sub(rf"\b(?:an?)\s+(?={re.escape(added)})", keep_case, text, count=1, flags=re.I)


def _stands_for(word: str, head: str) -> bool:
    """`word` names what `head` does: itself, another form of it ("engineers", "engineering"
    for "engineer") or a clipping of it ("eng")."""
    return (word == head or stem(word) == stem(head) or word.startswith(head)
            or (len(word) > 1 and head.startswith(word)))  # fmt: skip


def _most_like(rows: np.ndarray) -> tuple[int, float]:
    """Which of rows[1:] is most like rows[0] (the first of equals), and their cosine."""
    similarity = rows[1:] @ rows[0]
    best = int(np.argmax(similarity))
    return best, float(similarity[best])


def swap(text: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new.replace("\\", " "), text, count=1)


def phrases(text: str) -> list[str]:
    """Spans of one to three content words of a question (noun-phrase-like), longest first."""
    runs: list[list[str]] = [[]]
    # Punctuation ends a phrase too: a span is swapped back into the text as written.
    for token in re.findall(r"[\w'-]+|[^\w\s'-]", text):
        if token.lower() in STOP_WORDS or token.lower() in PRONOUNS or not token[0].isalnum():
            runs.append([])
        else:
            runs[-1].append(token)
    spans = [
        " ".join(run[i : i + n]) for run in runs for n in (3, 2, 1) for i in range(len(run) - n + 1)
    ]
    return list(dict.fromkeys(spans))
