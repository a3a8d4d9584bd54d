"""How much of a question the best passage holds by meaning, wordpiece by wordpiece.

Each content wordpiece of the question (no stop word, no punctuation) takes its best cosine to
any wordpiece of the passage, in the model's last hidden states (as ColBERT scores a passage);
`align` is their mean. A near miss ("which GREL function turns text into all caps?" of a guide
that mentions GREL) matches a passage as a whole, as the pooled cosine sees it, while some of its
own words match nothing in it. Ingest stores each passage's states with the index, read alone and
read after its section title; a question's come from the model call that embeds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from retriever.chunk_rows import ChunkRows
from retriever.text import STOP_WORDS

if TYPE_CHECKING:
    from retriever.embedding.tokens import Tokens

_WORDLIKE = re.compile(r"[a-z0-9]+")
# Words a question says about the guide or about asking, not about its subject.
# fmt: off
ASIDE = frozenset([
    "guide", "article", "author", "section", "chapter", "summary", "summarize", "summarise",
    "overview", "tell", "explain", "describe", "actually", "stuff", "tl", "dr",
])
# fmt: on
_NOT_ASKED = STOP_WORDS | ASIDE


def _piece(piece: str) -> str:
    return piece[2:] if piece.startswith("##") else piece


def question_rows(tokens: Tokens) -> np.ndarray:
    """The states of the question's content words, each word all its pieces: stop words,
    punctuation and words about the guide or the asking itself ("tl;dr", "what's this article
    actually about") name nothing a passage must hold."""
    keep: list[int] = []
    word: list[int] = []
    for i, piece in enumerate((*tokens.pieces, "")):
        if piece.startswith("##") and word:
            word.append(i)
            continue
        text = "".join(_piece(tokens.pieces[j]) for j in word)
        if word and _WORDLIKE.fullmatch(text) and text not in _NOT_ASKED:
            keep += word
        word = [i]
    return tokens.states[keep]


def passage_rows(tokens: Tokens) -> np.ndarray:
    """The states of a passage's word pieces (stop words too: "how" may be what it holds), at
    the precision the index stores them (float16), so a build reads the same before and after
    it is written."""
    keep = [i for i, p in enumerate(tokens.pieces) if _WORDLIKE.fullmatch(_piece(p))]
    stored: np.ndarray = tokens.states[keep].astype(np.float16).astype(np.float32)
    return stored


def alignment(question: np.ndarray, passage: np.ndarray) -> float:
    """The mean over the question's rows of the best cosine to a row of the passage."""
    if not len(question) or not len(passage):
        return 0.0
    return float((question @ passage.T).max(axis=1).mean())


class PassageTokens(ChunkRows):
    """Every chunk's passage rows, in chunk order: those of its text read alone, then those of
    its text read after its section title (a word's best match may be in either). float16 on
    disk, float32 in memory (converting them per question would cost more than the product)."""

    noun = "token states"
    unit = "tokens"

    @classmethod
    def stack(cls, per_chunk: Sequence[np.ndarray], dim: int) -> PassageTokens:
        return cls([len(p) for p in per_chunk], cls.joined(per_chunk, dim))
