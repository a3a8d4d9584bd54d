"""A model seen through a wrapper that changes how texts reach it (batched together with other
requests', or each embedded once), not what it is: the model's facts pass through unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retriever.abstention import Calibration
    from retriever.embedding import Embedder


class Wrapped:
    """`inner` for everything but `encode`, which each subclass defines (that is the point)."""

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
