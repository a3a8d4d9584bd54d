"""A text as the model read it, token by token: each wordpiece and its last hidden state.

The pooled vector says what a text is about; the token states say which of its words a passage
holds by meaning (retriever/alignment.py). Every backend gives them from the same model call as
the vector, so the question's cost nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retriever.embedding.pooling import unit_rows

SPECIAL = frozenset({"[CLS]", "[SEP]", "[PAD]"})


@dataclass(frozen=True, slots=True)
class Tokens:
    """Wordpieces ("##" marks a word's continuation) and their states, one unit row each."""

    pieces: tuple[str, ...]
    states: np.ndarray  # (len(pieces), dim) float32

    @classmethod
    def of(cls, pieces: Sequence[str], hidden: np.ndarray) -> Tokens:
        """From a model's output for one text: special tokens dropped, rows normalized."""
        keep = [i for i, p in enumerate(pieces) if p not in SPECIAL]
        rows = unit_rows(np.asarray(hidden, dtype=np.float32)[keep])
        rows.setflags(write=False)  # shared by every caller of a cache
        return cls(tuple(pieces[i] for i in keep), rows)
