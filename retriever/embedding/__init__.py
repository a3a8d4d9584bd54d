"""Question and passage embeddings: the `Embedder` interface and the backends behind it.

Every backend gives normalized float32 vectors and counts tokens the same way, so an index built
through one can be searched through another of the same model (same fingerprint). The read side
opens the model an index names (`open_embedder`); the write side picks one by settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from retriever.abstention import Calibration
from retriever.embedding.fake import FAKE_MODEL, FAKE_PREFIX, FakeEmbedder
from retriever.embedding.model import BASE_NAMES, ModelFiles, ModelRef, TokenCounter
from retriever.embedding.serving import ServingModel, serving_dir
from retriever.embedding.tokens import Tokens
from retriever.limits import Backend

__all__ = [
    "BASE_NAMES",
    "FAKE_MODEL",
    "Embedder",
    "FakeEmbedder",
    "ModelFiles",
    "ModelRef",
    "ServingModel",
    "TokenCounter",
    "Tokens",
    "open_embedder",
    "serving_dir",
]


class Embedder(Protocol):
    name: str

    @property
    def fingerprint(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def calibration(self) -> Calibration | None:
        """The abstention judge and threshold calibrated with this model, if any."""
        ...

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray: ...

    def encode_tokens(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[Tokens]]:
        """`encode`'s vectors and each text's token states, from the same model call."""
        ...

    def count_tokens(self, text: str) -> int: ...


def ref_of(embedder: Embedder) -> ModelRef:
    return ModelRef(name=embedder.name, fingerprint=embedder.fingerprint, dim=embedder.dim)


def open_embedder(
    ref: ModelRef, models_dir: Path, *, backend: Backend = "onnx", threads: int = 1
) -> Embedder:
    """The model an index was built with, ready to load on first use. ONNX never imports torch:
    its export must exist (ingest makes it); torch reads the sentence-transformers folder."""
    if ref.fingerprint.startswith(FAKE_PREFIX):
        return FakeEmbedder(ref.dim, ref.fingerprint)
    if backend == "torch":
        from retriever.embedding.torch_backend import TorchEmbedder

        return TorchEmbedder(ModelFiles.of(ref.name), threads=threads)
    from retriever.embedding.onnx_backend import OnnxEmbedder

    return OnnxEmbedder(
        ServingModel.open(serving_dir(models_dir, ref.fingerprint), ref.name), threads
    )
