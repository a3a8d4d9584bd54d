"""What every searcher takes and gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

CANDIDATES = 30  # how deep each retriever looks before fusion

Keep = Callable[[int], bool]  # which chunk indexes a document filter allows


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # the question as asked: BM25 reads it
    vector: np.ndarray  # the embedding of the (rewritten) question: dense search reads it


@dataclass(frozen=True, slots=True)
class Candidate:
    """A chunk index ranked by a searcher, with its cosine to the query (mean over views)."""

    index: int
    cosine: float


class Searcher(Protocol):
    def search(self, query: Query, k: int, keep: Keep | None = None) -> list[Candidate]:
        """The k best chunks, best first; with `keep`, only the chunks it allows."""
        ...


def depth(k: int, total: int, keep: Keep | None) -> int:
    # With a document filter, look at every chunk: a filtered-out top would leave too few.
    return total if keep is not None else max(k, CANDIDATES)


def allowed(pairs: list[tuple[int, float]], keep: Keep | None) -> list[tuple[int, float]]:
    return [(i, s) for i, s in pairs if keep is None or keep(i)]
