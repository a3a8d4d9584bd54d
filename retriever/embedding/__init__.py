"""Question and passage embeddings: what a model is (`ModelFiles`), and the backends that run it.

Every backend gives normalized float32 vectors and counts tokens the same way, so an index built
through one can be searched through another of the same model (same fingerprint).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from retriever.abstention import Scope
from retriever.embedding.model import (
    BASE_NAMES,
    ModelFiles,
    TokenCounter,
    resolve_model_path,
)
from retriever.settings import BASE_MODEL, Settings

__all__ = [
    "BASE_MODEL",
    "BASE_NAMES",
    "Embedder",
    "ModelFiles",
    "TokenCounter",
    "load_embedder",
    "prepare_embedder",
    "resolve_model_path",
]


class Embedder(Protocol):
    name: str

    @property
    def fingerprint(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def scope(self) -> Scope | None:
        """The in-scope classifier trained with this model (scope.json beside it), if any."""
        ...

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def load_embedder(settings: Settings) -> Embedder:
    """The configured model on the configured backend, ready to load on first use. Never
    imports torch for ONNX: a missing export is an error that says to run `guide-rag ingest`."""
    files = ModelFiles.of(settings.model)
    if settings.backend == "torch":
        from retriever.embedding.torch_backend import TorchEmbedder

        return TorchEmbedder(files, threads=settings.threads)
    from retriever.embedding.onnx_backend import OnnxEmbedder, export_path

    return OnnxEmbedder(files, export_path(files, settings.onnx_dir), threads=settings.threads)


def prepare_embedder(settings: Settings) -> Embedder:
    """As `load_embedder`, exporting the model to ONNX first if it has no export yet (torch)."""
    if settings.backend == "onnx":
        from retriever.embedding.onnx_backend import export_path
        from retriever.embedding.onnx_export import export_onnx

        files = ModelFiles.of(settings.model)
        export_onnx(files, export_path(files, settings.onnx_dir))
    return load_embedder(settings)
