"""A model seen through a wrapper that changes how texts reach it (batched together with other
requests', or each embedded once), not what it is: the model's facts pass through unchanged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from retriever.abstention import Calibration
    from retriever.embedding import Embedder


class Wrapped:
    """An `Embedder` that is `inner` for everything but `encode`, which subclasses change."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def calibration(self) -> Calibration | None:
        return self.inner.calibration

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self.inner.encode(texts, on_batch=on_batch)
