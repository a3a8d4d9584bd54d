"""How much of a question a passage holds, wordpiece by wordpiece (fake token states: one-hot
per word, so a word matches only itself)."""

from __future__ import annotations

import numpy as np
import pytest

from retriever.alignment import PassageTokens, alignment, passage_rows, question_rows
from retriever.embedding import FakeEmbedder, Tokens

FAKE = FakeEmbedder(dim=512)


def tokens(text: str) -> Tokens:
    return FAKE.encode_tokens([text])[1][0]


def test_a_question_is_read_by_its_content_words() -> None:
    assert len(question_rows(tokens("What is the salary of an ML engineer?"))) == 3
    assert len(question_rows(tokens("what is it?"))) == 0


def test_a_passage_keeps_every_word() -> None:
    assert len(passage_rows(tokens("How the salary is set, and by whom."))) == 8
    # Values float16 cannot hold (the fake's one-hot states it can): rounded as the index
    # stores them, so a build reads the same before and after it is written.
    states = np.array([[0.1, 0.2, 0.3], [0.7, 0.1, 0.3]], dtype=np.float32)
    stored = passage_rows(Tokens.of(("salary", "bands"), states))
    np.testing.assert_array_equal(stored, stored.astype(np.float16))
    assert not np.array_equal(stored, Tokens.of(("salary", "bands"), states).states)


def test_wordpieces_continue_the_word_they_start() -> None:
    pieces = ("[CLS]", "what", "is", "ok", "##r", "?", "[SEP]")
    states = np.eye(7, 8, dtype=np.float32) * 3.0
    read = Tokens.of(pieces, states)
    assert read.pieces == pieces[1:-1]
    np.testing.assert_allclose(np.linalg.norm(read.states, axis=1), 1.0)
    # "is" is a stop word, "##r" continues "ok", "?" is punctuation
    assert len(question_rows(read)) == 2


def test_alignment_is_the_share_of_the_question_the_passage_holds() -> None:
    question = question_rows(tokens("salary of ML engineers in Berlin"))
    held = passage_rows(tokens("ML engineers earn a salary in Berlin and Munich."))
    half = passage_rows(tokens("ML engineers build platforms."))
    assert alignment(question, held) == pytest.approx(1.0)
    assert alignment(question, half) == pytest.approx(0.5)
    assert alignment(question, passage_rows(tokens("nothing shared here"))) == pytest.approx(0.0)
    assert alignment(question_rows(tokens("what is it?")), held) == 0.0


def test_passage_tokens_are_found_by_chunk() -> None:
    rows = [passage_rows(tokens(t)) for t in ("one two", "", "three four five")]
    stored = PassageTokens.stack(rows, FAKE.dim)
    assert len(stored) == 3
    assert [len(stored.of(i)) for i in range(3)] == [2, 0, 3]
    np.testing.assert_array_equal(stored.of(2), rows[2])
    with pytest.raises(ValueError, match="token states"):
        PassageTokens([2, 2], stored.rows)
