"""What abstention weighs for one question: how well the best passages match it, by meaning
and by words, in measures that mean the same in any guide.

- cos1: the best passage's cosine; gap: how far it stands above the next four;
- smax: the best cosine of one sentence of those passages (a near miss often matches a passage
  loosely and none of its sentences);
- cover: the share (by rarity) of the question's own words found in the best three passages;
  unknown: the share the index has never seen ("nurses" in a guide about engineers);
- agree: the words' ranking (BM25) has the meaning's best passage in its first five;
- bm25: the words' best score; terms: how many content words the question has;
- figure_missing: the question asks for a number and the best passages give none;
- align: how much of the question one of the best three passages holds, wordpiece by
  wordpiece, by meaning (retriever/alignment.py): a near miss matches a passage's topic and
  leaves its own ask unmatched. The best of three, not the first: in an index of many guides
  the first is often another guide's passage on a word the question shares with it.

Only the words a turn itself brings count for cover and unknown ("and in Germany?"), so a
follow-up is judged on what it adds; one that brings none ("why not?", "how many tho?") is judged
on the question it is read as.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from retriever.alignment import PassageTokens, alignment
from retriever.answer.terms import TermWeights, terms
from retriever.text import CLITICS, LEANING, STOP_WORDS, words

if TYPE_CHECKING:
    from retriever.answer.sentences import SentenceVectors
    from retriever.search import Candidate
    from retriever.search.lexical import LexicalIndex
    from retriever.types import Chunk


class Indexed(Protocol):
    """What evidence reads of a build (retriever.index.IndexBuild)."""

    @property
    def chunks(self) -> tuple[Chunk, ...]: ...

    @property
    def sentences(self) -> SentenceVectors: ...

    @property
    def tokens(self) -> PassageTokens: ...

    @property
    def lexical(self) -> LexicalIndex: ...


# What the judge was fitted on beyond the features' names: bump it when a feature's meaning or the
# ranking it reads changes, and `guide-rag tune` fits the judge again.
VERSION = 2
FEATURES = (
    "cos1", "gap", "smax", "cover", "unknown", "agree", "bm25", "terms", "figure_missing", "align",
)  # fmt: skip
DEPTH = 5  # the passages evidence reads, whatever top_k a caller asks for
ALIGN_DEPTH = 3  # the passages `align` reads (1 and 3 measured: docs/abstention.md)
_FIGURE = re.compile(r"\$\s?\d|\d[\d,.]*\s?(%|k\b|percent)|\b\d+\b")
_WANTS_FIGURE = re.compile(
    r"\b(how (much|many|long|often|old)|cost|costs|price|pricing|salary|salaries|fee|fees|"
    r"percent|percentage|number of|what year|when)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One value per name of FEATURES, in that order."""

    values: tuple[float, ...]

    def __getitem__(self, name: str) -> float:
        return self.values[FEATURES.index(name)]


class EvidenceReader:
    """Evidence against one build; what it needs of each passage is worked out once."""

    def __init__(self, build: Indexed, weights: TermWeights) -> None:
        self.build = build
        self.weights = weights
        self._terms = [terms(c.text) for c in build.chunks]
        self._figures = [bool(_FIGURE.search(c.text)) for c in build.chunks]

    def read(
        self,
        pool: Sequence[Candidate],
        vector: np.ndarray,
        rows: np.ndarray,
        text: str,
        focus: str,
    ) -> Evidence:
        """`pool`: the ranked candidates (best first) for `text`, read with `vector` and the
        content-token states `rows` (retriever/alignment.py); `focus`: the words of the question
        itself (for a follow-up, the last turn)."""
        top = list(pool[:DEPTH])
        if not top:
            return Evidence((-1.0, 0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0))
        cosines = [c.cosine for c in top]
        cos1 = max(cosines)
        rest = sorted(cosines, reverse=True)[1:]
        gap = cos1 - (sum(rest) / len(rest) if rest else cos1)
        sentences = self.build.sentences
        smax = max(
            (float(np.max(sentences.of(c.index) @ vector)) for c in top
             if len(sentences.of(c.index))),
            default=cos1,
        )  # fmt: skip
        # A single question is its own reading (focus == text); only a follow-up's turn is apart.
        own = focus not in ("", text) and _brings_words(focus)
        asked = terms(focus) if own else terms(text)
        total = self.weights.weight(asked) or 1.0
        found = set().union(*(self._terms[c.index] for c in top[:3]))
        cover = self.weights.weight(asked & found) / total
        unknown = self.weights.weight({t for t in asked if not self.weights.known(t)}) / total
        bm25 = self.build.lexical.scores(text)
        best_words = set(np.argsort(-bm25)[:DEPTH].tolist()) if bm25.any() else set()
        agree = float(top[0].index in best_words)
        wants = bool(_WANTS_FIGURE.search(focus or text))
        missing = float(wants and not any(self._figures[c.index] for c in top[:3]))
        return Evidence(
            (cos1, gap, smax, cover, unknown, agree, math.log1p(float(bm25.max(initial=0.0))),
             math.log1p(len(asked)), missing,
             max(alignment(rows, self.build.tokens.of(c.index)) for c in top[:ALIGN_DEPTH]))
        )  # fmt: skip


def _brings_words(turn: str) -> bool:
    """The turn names something of its own: not only leaning words ("why not?": "not" was
    found in the guide or not, either way it says nothing of what the guide must hold)."""
    return any(w not in STOP_WORDS and w not in LEANING and w not in CLITICS for w in words(turn))
