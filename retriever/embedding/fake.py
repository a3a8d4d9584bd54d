"""A deterministic fake model: hashed bag-of-words vectors. Not a language model.

It stands behind the real Embedder interface wherever model quality is not the point (HTTP,
ingest, publishing, the CLI): an index built with it loads and serves like any other, in
milliseconds and without a tuned model. Select it with GUIDE_RAG_MODEL=fake-embedder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np

from retriever.embedding.pooling import unit_rows
from retriever.embedding.tokens import Tokens
from retriever.text import STOP_WORDS

FAKE_MODEL = "fake-embedder"
FAKE_PREFIX = "fake-embedder-"
_WORD = re.compile(r"[a-z0-9$]+")


class FakeEmbedder:
    name = FAKE_MODEL
    calibration = None  # no judge: abstention on the cosine alone

    def __init__(self, dim: int = 256, fingerprint: str | None = None) -> None:
        self._dim = dim
        self.fingerprint = fingerprint or f"{FAKE_PREFIX}{dim}"
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word not in STOP_WORDS:
                    out[row, self._bucket(word)] += 1.0
            out[row] = np.log1p(out[row])  # a word said twice is not twice the topic
        out = unit_rows(out)
        if on_batch is not None:
            on_batch(len(texts))
        return out

    def encode_tokens(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[Tokens]]:
        """Each word a token, its state the one-hot of its hash bucket."""
        vectors = self.encode(texts, on_batch=on_batch)
        tokens = []
        for text in texts:
            pieces = _WORD.findall(text.lower())
            states = np.zeros((len(pieces), self._dim), dtype=np.float32)
            for row, word in enumerate(pieces):
                states[row, self._bucket(word)] = 1.0
            tokens.append(Tokens.of(pieces, states))
        return vectors, tokens

    def _bucket(self, word: str) -> int:
        return int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dim

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)
