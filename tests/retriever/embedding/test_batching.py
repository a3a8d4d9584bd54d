"""Micro-batching: concurrent single questions share model calls and each gets its own vector."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from retriever.embedding import FakeEmbedder
from retriever.embedding.batching import MicroBatching
from tests.helpers import wait_until


class HeldFake(FakeEmbedder):
    """The fake model, whose first call waits until `release` is set: while it runs, the
    other questions queue up behind it, as they do behind a real model call."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.started = threading.Event()

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        if not self.calls:
            self.started.set()
            assert self.release.wait(10)
        return super().encode(texts, on_batch=on_batch)


QUESTIONS = [f"What does role {n} earn in city {n}?" for n in range(9)]


def test_a_question_alone_is_one_call_of_one() -> None:
    fake = FakeEmbedder()
    batching = MicroBatching(fake, slots=2, max_batch=4)
    vector = batching.encode(["How much do AI engineers earn?"])
    assert fake.calls == [["How much do AI engineers earn?"]]
    np.testing.assert_array_equal(vector, FakeEmbedder().encode(["How much do AI engineers earn?"]))


def test_questions_waiting_behind_a_call_are_run_together_each_with_its_vector() -> None:
    fake = HeldFake()
    batching = MicroBatching(fake, slots=1, max_batch=4)
    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        first = pool.submit(batching.encode, [QUESTIONS[0]])
        assert fake.started.wait(10)
        rest = [pool.submit(batching.encode, [q]) for q in QUESTIONS[1:]]
        wait_until(lambda: len(batching._pending) == len(QUESTIONS) - 1)  # all queued behind it
        fake.release.set()
        vectors = [first.result(10)] + [f.result(10) for f in rest]
    assert [len(c) for c in fake.calls] == [1, 4, 4]
    assert sorted(t for c in fake.calls for t in c) == sorted(QUESTIONS)
    alone = FakeEmbedder().encode(QUESTIONS)
    for vector, expected in zip(vectors, alone, strict=True):
        np.testing.assert_array_equal(vector[0], expected)


def test_every_question_of_a_failed_call_gets_the_error() -> None:
    class Broken(FakeEmbedder):
        def encode(
            self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
        ) -> np.ndarray:
            raise RuntimeError("model went away")

    batching = MicroBatching(Broken(), slots=1, max_batch=4)
    with pytest.raises(RuntimeError, match="model went away"):
        batching.encode(["What do ML engineers do?"])
    # The slot is free again: the next question runs (and fails) instead of waiting forever.
    with pytest.raises(RuntimeError, match="model went away"):
        batching.encode(["What do ML engineers do?"])


def test_batches_and_the_model_facts_pass_through() -> None:
    fake = FakeEmbedder()
    batching = MicroBatching(fake, slots=2, max_batch=4)
    assert batching.encode(QUESTIONS).shape == (len(QUESTIONS), fake.dim)
    assert fake.calls == [QUESTIONS]
    assert (batching.name, batching.fingerprint, batching.dim) == (
        fake.name, fake.fingerprint, fake.dim,
    )  # fmt: skip
    assert batching.count_tokens("a b c") == 3
