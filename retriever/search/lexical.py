"""Lexical retrieval: BM25 (bm25s) over the same chunks, built by ingest, loaded with the index."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

from retriever.search.base import Candidate, Keep, Query, allowed, depth
from retriever.search.dense import DenseIndex
from retriever.types import Chunk
from retriever.vocabulary import normalize

TOKEN = r"(?u)\b\w\w+\b"  # a word of two characters or more: bm25s's default
_SPLIT = re.compile(TOKEN).findall
_THREAD = threading.local()
STEM_CACHE = 0  # words each thread's stemmer remembers (see `_stem`)


@cache
def _stopwords() -> frozenset[str]:
    import bm25s.stopwords

    return frozenset(bm25s.stopwords.STOPWORDS_EN)


def _stem() -> Callable[[list[str]], list[str]]:
    """This thread's English stemmer: a PyStemmer stemmer must be used by one thread at a time
    (its docs), and requests ask from many.

    Without its word cache: by default each stemmer keeps the last 10,000 words it saw, one
    cache per request thread, and a server asked unique questions grew by about 3 MB every
    10,000 requests (`bench/load.py`, RSS after each round 297.8, 300.2, 303.9 MB). Uncached it
    stems a question's words in 2.8 µs against 3.4, and a guide's in 0.29 µs a word against 0.24.
    """
    stem: Callable[[list[str]], list[str]] | None = getattr(_THREAD, "stem", None)
    if stem is None:
        import Stemmer

        stem = _THREAD.stem = Stemmer.Stemmer("english", STEM_CACHE).stemWords
    return stem


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """What BM25 indexes of each text: its words, lower-cased, less stop words, stemmed."""
    import bm25s  # with scipy (and numba, where installed and allowed): only where BM25 is used

    tokenized = bm25s.tokenize(
        [normalize(t) for t in texts],
        lower=True,
        token_pattern=TOKEN,
        stopwords=sorted(_stopwords()),
        stemmer=_stem(),
        return_ids=False,
        show_progress=False,
    )
    return [list(tokens) for tokens in tokenized]


def query_terms(question: str) -> list[str]:
    """The question's terms, exactly as `tokenize` makes them (a test holds the two equal over
    every line of the guides): bm25s.tokenize builds three progress bars per call, even hidden,
    which are most of its time on one question (70 µs against 26)."""
    stopwords = _stopwords()
    return _stem()([t for t in _SPLIT(normalize(question).lower()) if t not in stopwords])


def lexical_text(chunk: Chunk) -> str:
    return chunk.embed_text or chunk.text


class LexicalIndex:
    def __init__(self, bm25: Any) -> None:
        self.bm25 = bm25
        self._vocab = set(bm25.vocab_dict)
        # Retrieval and abstention's evidence both score the question: once is enough.
        self.scores = lru_cache(maxsize=256)(self._scores)

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokenize([lexical_text(c) for c in chunks]), show_progress=False)
        return cls(bm25)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(path)))

    def save(self, path: Path) -> None:
        self.bm25.save(str(path))

    def _scores(self, question: str) -> np.ndarray:
        """BM25 score of every chunk (zeros when no question term is in the index)."""
        tokens = [t for t in query_terms(question) if t in self._vocab]
        n = int(self.bm25.scores["num_docs"])
        if not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def search(self, question: str, k: int) -> list[tuple[int, float]]:
        """(chunk index, BM25 score) best first; only chunks sharing a term with the question."""
        return top(self.scores(question), k)


class LazyLexical:
    """A build's BM25 index, built already or loaded from `path` on first use."""

    def __init__(self, path: Path | None = None, built: LexicalIndex | None = None) -> None:
        self.path = path
        self._index = built
        self._lock = Lock()

    def get(self) -> LexicalIndex:
        with self._lock:
            if self._index is None:
                if self.path is None:
                    raise ValueError("a lazy BM25 index needs a path or a built index")
                self._index = LexicalIndex.load(self.path)
        return self._index


def top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (index, score) of `scores` that are above zero, best first."""
    best = np.argsort(-scores, kind="stable")[: min(k, len(scores))]
    return [(int(i), float(scores[i])) for i in best if scores[i] > 0]


class LexicalSearch:
    """Rank by BM25 alone; each hit still reports its cosine."""

    def __init__(self, lexical: LexicalIndex, dense: DenseIndex) -> None:
        self.lexical = lexical
        self.dense = dense

    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        ranked = allowed(self.lexical.search(query.text, depth(k, self.dense.total, keep)), keep)
        return [Candidate(i, self.dense.score(query.vector, i)) for i, _ in ranked[:k]]
