"""Micro-batching: questions that concurrent requests encode one at a time, run as one batch.

One model call on a batch of 2–4 short questions costs less per question than one call each
(the measured case for GUIDE_RAG_MICRO_BATCH in docs/benchmarks.md). No thread of its own: a
request that finds a free slot (one per core) runs what is waiting, its own question included,
while the others wait for their vector. Alone, a request runs its own question at once, as
without batching.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Condition
from typing import TYPE_CHECKING

import numpy as np

from retriever.embedding.wrapped import Wrapped

if TYPE_CHECKING:
    from retriever.embedding import Embedder
    from retriever.embedding.tokens import Tokens


@dataclass(slots=True)
class _Job:
    text: str
    vector: np.ndarray | None = None
    tokens: Tokens | None = None
    error: BaseException | None = None
    done: bool = False


class MicroBatching(Wrapped):
    """An `Embedder` whose single-text encodes from concurrent threads share model calls."""

    def __init__(self, inner: Embedder, *, slots: int, max_batch: int) -> None:
        super().__init__(inner)
        self.max_batch = max_batch
        self._free = slots
        self._pending: list[_Job] = []
        self._cond = Condition()

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        if len(texts) != 1:  # already a batch (a warm-up, a re-embed): nothing to combine
            return self.inner.encode(texts, on_batch=on_batch)
        return self.encode_tokens(texts, on_batch=on_batch)[0]

    def encode_tokens(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[Tokens]]:
        if len(texts) != 1:
            return self.inner.encode_tokens(texts, on_batch=on_batch)
        job = self._one(texts[0])
        if on_batch is not None:
            on_batch(1)
        assert job.vector is not None and job.tokens is not None  # done without an error
        return job.vector[None, :], [job.tokens]

    def _one(self, text: str) -> _Job:
        job = _Job(text)
        with self._cond:
            self._pending.append(job)
        while True:
            with self._cond:
                # Pending but nothing here: the job is in a batch another thread is running.
                while not job.done and (self._free == 0 or not self._pending):
                    self._cond.wait()
                if job.done:
                    break
                self._free -= 1
                batch = self._pending[: self.max_batch]
                del self._pending[: len(batch)]
            try:
                self._run(batch)
            finally:
                with self._cond:
                    self._free += 1
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error
        return job

    def _run(self, batch: Sequence[_Job]) -> None:
        try:
            vectors, tokens = self.inner.encode_tokens([j.text for j in batch])
        except BaseException as exc:  # each waiting request raises it, as it would alone
            with self._cond:
                for job in batch:
                    job.error, job.done = exc, True
            return
        with self._cond:
            for job, vector, states in zip(batch, vectors, tokens, strict=True):
                job.vector, job.tokens, job.done = vector, states, True
