"""sentence-transformers on torch: what tuning trains and exports; loaded lazily."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any

import numpy as np

from retriever.abstention import Calibration, read_calibration
from retriever.embedding.model import ModelFiles, TokenCounter, offline
from retriever.embedding.pooling import unit_rows
from retriever.embedding.tokens import Tokens
from retriever.errors import ModelLoadError


class TorchEmbedder:
    """Normalized embeddings from a sentence-transformers model; nothing loads until first use."""

    def __init__(self, files: ModelFiles, batch_size: int = 32, threads: int | None = None) -> None:
        self.files = files
        self.name = files.name
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._count: TokenCounter | None = None
        self._lock = Lock()

    @property
    def fingerprint(self) -> str:
        return self.files.fingerprint

    @property
    def dim(self) -> int:
        return self.files.dim

    @property
    def calibration(self) -> Calibration | None:
        return read_calibration(self.files.path)

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load(self.files, self.threads)
        return self._model

    def count_tokens(self, text: str) -> int:
        if self._count is None:
            self._count = TokenCounter(self.files.tokenizer())
        return self._count(text)

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self._forward(texts, on_batch, keep_tokens=False)[0]

    def encode_tokens(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[Tokens]]:
        return self._forward(texts, on_batch, keep_tokens=True)

    def _forward(
        self, texts: Sequence[str], on_batch: Callable[[int], None] | None, *, keep_tokens: bool
    ) -> tuple[np.ndarray, list[Tokens]]:
        """The pooled vectors, and each text's token states when `keep_tokens` (else none)."""
        import torch

        model = self.model
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens: list[Tokens] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            features = model.preprocess(batch)
            with torch.inference_mode():
                result = model(features)
            pooled = result["sentence_embedding"].float().numpy()
            out[start : start + len(batch)] = unit_rows(pooled)
            if keep_tokens:
                hidden = result["token_embeddings"].float().numpy()
                for row, n in enumerate(features["attention_mask"].sum(dim=1).tolist()):
                    ids = features["input_ids"][row][:n].tolist()
                    pieces = model.tokenizer.convert_ids_to_tokens(ids)
                    tokens.append(Tokens.of(pieces, hidden[row, :n]))
            if on_batch is not None:
                on_batch(len(batch))
        return out, tokens


def _load(files: ModelFiles, threads: int | None) -> Any:
    offline()
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        if threads is not None:
            torch.set_num_threads(threads)
        # A bar per load would clutter every CLI call. (transformers leaves it unannotated.)
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(str(files.path), device="cpu")
    except Exception as exc:  # sentence-transformers raises many types for a bad folder
        raise ModelLoadError(
            f"cannot load embedding model {files.name!r} from {files.path} "
            f"({type(exc).__name__}: {exc}): re-run `guide-rag tune`, or set GUIDE_RAG_MODEL "
            "to another sentence-transformers folder"
        ) from exc
