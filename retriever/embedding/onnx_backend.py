"""The serving backend: an exported model (serving.py) run by ONNX Runtime with `tokenizers`.

No torch: the export is made once per model by ingest or tune, so a re-tuned model never runs an
old export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any

import numpy as np

from retriever.abstention import Scope
from retriever.embedding.serving import ONNX_FILE, ServingModel
from retriever.errors import ModelLoadError


class OnnxEmbedder:
    """Mean-pooled, normalized embeddings, as sentence-transformers computes them."""

    def __init__(self, model: ServingModel, threads: int = 1, batch_size: int = 32) -> None:
        self.model = model
        self.name = model.ref.name
        self.threads = threads
        self.batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._count: Any = None
        self._lock = Lock()

    @property
    def fingerprint(self) -> str:
        return self.model.ref.fingerprint

    @property
    def dim(self) -> int:
        return self.model.ref.dim

    @property
    def scope(self) -> Scope | None:
        return Scope.load(self.model.path)

    @property
    def session(self) -> Any:
        with self._lock:
            if self._session is None:
                self._session, self._tokenizer = self._load()
        return self._session

    def _load(self) -> tuple[Any, Any]:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One request per core: intra-op threads beyond one fight the other request.
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        path = self.model.path / ONNX_FILE
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types for a bad file
            raise ModelLoadError(
                f"cannot load {path} ({exc}): delete it and run `guide-rag ingest`"
            ) from exc
        tokenizer = self.model.tokenizer()
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest only
        return session, tokenizer

    def count_tokens(self, text: str) -> int:
        if self._count is None:
            from retriever.embedding.model import TokenCounter

            self._count = TokenCounter(self.model.tokenizer())
        return int(self._count(text))

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        session = self.session
        parts = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            # One question (the serving case) skips the batch machinery and its padding.
            encodings = (
                [self._tokenizer.encode(batch[0])]
                if len(batch) == 1
                else self._tokenizer.encode_batch(batch)
            )
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            parts.append(_mean_pool_normalized(session.run(None, feeds)[0], mask))
            if on_batch is not None:
                on_batch(len(batch))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _mean_pool_normalized(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: np.ndarray = pooled / np.clip(norms, 1e-12, None)
    return result.astype(np.float32)
