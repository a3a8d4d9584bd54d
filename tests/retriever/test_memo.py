"""The memo of question embeddings: most recently used kept, many keys filled in one call."""

from __future__ import annotations

import threading

import pytest

from retriever.memo import Memo


class Counting:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, keys: list[str]) -> list[str]:
        self.calls.append(list(keys))
        return [k.upper() for k in keys]


def test_keys_not_remembered_are_computed_together_once_in_order() -> None:
    compute = Counting()
    memo = Memo(10, compute)
    assert memo.get("a") == "A"
    assert memo.many(["b", "a", "c", "b"]) == ["B", "A", "C", "B"]
    assert compute.calls == [["a"], ["b", "c"]]  # "a" remembered, "b" asked for once
    assert memo.many(["c", "b", "a"]) == ["C", "B", "A"] and len(compute.calls) == 2


def test_the_least_recently_used_goes_first() -> None:
    compute = Counting()
    memo = Memo(2, compute)
    memo.many(["a", "b"])
    memo.get("a")  # used: "b" is now the oldest
    memo.get("c")
    assert len(memo) == 2
    memo.many(["a", "c"])
    assert compute.calls == [["a", "b"], ["c"]]
    memo.get("b")
    assert compute.calls[-1] == ["b"]


def test_a_compute_that_miscounts_is_an_error_and_remembers_nothing() -> None:
    memo: Memo[str, str] = Memo(4, lambda keys: ["only one"])
    with pytest.raises(ValueError, match="computed 1 values for 2 keys"):
        memo.many(["a", "b"])
    assert len(memo) == 0
    with pytest.raises(ValueError, match="size"):
        Memo(0, Counting())


def test_threads_share_it() -> None:
    memo = Memo(64, Counting())
    errors: list[BaseException] = []

    def ask(offset: int) -> None:
        try:
            for n in range(200):
                key = f"k{(n + offset) % 100}"
                assert memo.get(key) == key.upper()
        except BaseException as exc:  # surfaced below: a thread's assert is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i * 7,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(memo) == 64
