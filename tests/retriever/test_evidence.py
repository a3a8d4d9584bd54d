"""Abstention's evidence for a follow-up: the words the turn itself brings, or, when it brings
none, those of the question it is read as (fake embedder: this is about which words count)."""

from __future__ import annotations

import numpy as np
import pytest

from retriever.qa import QA

FIRST = "How much do entry-level AI engineers earn?"


LEANING_TURNS = ["why not?", "how many tho?", "ok so why's that", "really?",
                 "what should I do first?", "where do I start?", "and what next?"]  # fmt: skip


@pytest.mark.parametrize("turn", LEANING_TURNS)
def test_a_turn_that_brings_no_word_of_its_own_is_judged_on_the_question_it_is_read_as(
    fake_qa: QA, turn: str
) -> None:
    reading = fake_qa.reader.read(turn, [FIRST])
    assert reading.form == "lean" and reading.focus == turn
    followed = fake_qa.judge(turn, [FIRST])
    asked = fake_qa.judge(reading.text)
    # Before, "why not?" was judged on "not" alone: found in some passage or not, it decided.
    assert (followed["cover"], followed["unknown"]) == (asked["cover"], asked["unknown"])
    assert 0.0 < asked["cover"] < 1.0


def test_a_turn_that_names_something_is_judged_on_it(fake_qa: QA) -> None:
    # "London" is in no passage of the guide: the turn's own word is what must be found.
    followed = fake_qa.judge("and in London?", [FIRST])
    assert (followed["cover"], followed["unknown"]) == (0.0, 1.0)
    assert fake_qa.judge(fake_qa.reader.read("and in London?", [FIRST]).text)["cover"] > 0.0


def test_a_question_is_remembered_with_its_token_states_at_half_precision(fake_qa: QA) -> None:
    # At float32 they were 25 of the memo's 28 MB (2,048 questions) and held a server over
    # 300 MB under load; the index keeps a passage's at float16 already (docs/benchmarks.md).
    fake_qa.judge(FIRST)
    encoded = fake_qa._encoded.get(FIRST)
    assert encoded.rows.dtype == np.float16 and len(encoded.rows) > 0
    assert encoded.states().dtype == np.float32
