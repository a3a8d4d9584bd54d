"""The serving backend: an exported model (serving.py) run by ONNX Runtime with `tokenizers`.

No torch: the export is made once per model by ingest or tune, so a re-tuned model never runs an
old export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any

import numpy as np

from retriever.abstention import Calibration, read_calibration
from retriever.embedding.pooling import mean_pooled
from retriever.embedding.serving import ONNX_FILE, ServingModel
from retriever.embedding.tokens import Tokens
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
    def calibration(self) -> Calibration | None:
        return read_calibration(self.model.path)

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
        return session, self.model.tokenizer()  # unpadded: `_run` pads each batch itself

    def count_tokens(self, text: str) -> int:
        if self._count is None:
            from retriever.embedding.model import TokenCounter

            self._count = TokenCounter(self.model.tokenizer())
        return int(self._count(text))

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
        session = self.session
        if len(texts) == 1:  # a question (the serving case): encoded alone, nothing to pad
            encodings = [self._tokenizer.encode(texts[0])]
        else:
            encodings = self._tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        states: list[Tokens | None] = [None] * len(texts)
        # Batches of similar length: each pads to its longest, so sorting saves the padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = [encodings[i] for i in rows]
            hidden, mask = self._run(session, batch)
            out[rows] = mean_pooled(hidden, mask)
            if keep_tokens:
                for j, (i, e) in enumerate(zip(rows, batch, strict=True)):
                    states[i] = Tokens.of(e.tokens, hidden[j, : len(e.ids)])
            if on_batch is not None:
                on_batch(len(rows))
        return out, [t for t in states if t is not None]

    def _run(self, session: Any, encodings: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """(last hidden states, attention mask) of one padded batch."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden: np.ndarray = session.run(None, feeds)[0]
        return hidden, mask
