"""Content words and how rare each is in the index: what makes a shared word informative."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from retriever.text import STOP_WORDS, words
from retriever.types import Chunk

_SUFFIXES = ("ings", "ing", "ers", "ies", "es", "ed", "er", "s")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> set[str]:
    """The stemmed content words of `text`."""
    return {stem(w) for w in words(text) if w not in STOP_WORDS}


class TermWeights:
    """Inverse document frequency of each term over the chunks of one build.

    Words every passage shares ("engineer", "AI") say little about which sentence answers.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        df: Counter[str] = Counter(t for c in chunks for t in terms(c.text))
        n = len(chunks)
        self._idf = {t: math.log((n + 1) / (f + 0.5)) for t, f in df.items()}
        self._unknown = math.log(n + 2) if n else 1.0
        # A term in under a quarter of the chunks is distinctive.
        self._rare = math.log((n + 1) / (0.25 * n + 0.5)) if n else 0.0

    def weight(self, words_: Iterable[str]) -> float:
        return sum(self._idf.get(t, self._unknown) for t in words_)

    def known(self, term: str) -> bool:
        """The term occurs in some chunk of the build."""
        return term in self._idf

    def distinctive(self, term: str) -> bool:
        return self._idf.get(term, 0.0) > self._rare
