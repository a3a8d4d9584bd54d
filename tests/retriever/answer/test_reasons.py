"""Which sentences give a reason, and where one goes in an answer that lacks it."""

from __future__ import annotations

from dataclasses import dataclass

from retriever.answer.reasons import gives_reason, with_reason
from retriever.types import Hit
from tests.helpers import make_chunk


@dataclass(frozen=True)
class Said:
    hit: Hit
    position: int
    text: str


def said(cid: str, text: str, rank: int, position: int = 0) -> Said:
    return Said(Hit(make_chunk(cid, text), 0.5, rank), position, text)


def test_sentences_that_give_a_reason() -> None:
    assert gives_reason("It pays more because the work is rarer.")
    assert gives_reason("Deploy it, which is why employers ask for links.")
    assert not gives_reason("Since 2020 the field has grown.")  # time, not a reason
    assert not gives_reason("Engineers earn $150,000.")


def test_a_reason_takes_the_last_place_of_a_passage_other_than_the_top_one() -> None:
    top, second, third = said("a", "A.", 1), said("b", "B.", 2), said("c", "C.", 3)
    reason = said("d", "D because E.", 4)
    assert with_reason([top, second], [reason], top.hit, 3) == [top, second, reason]
    assert with_reason([top, third, second], [reason], top.hit, 3) == [top, third, reason]
    alone = [Said(top.hit, i, text) for i, text in enumerate(("A.", "A2.", "A3."))]
    assert with_reason(alone, [reason], top.hit, 3) == alone  # the pick's own sentences stay


def test_an_answer_that_gives_a_reason_or_has_none_to_take_is_kept() -> None:
    top = said("a", "A because B.", 1)
    assert with_reason([top], [said("d", "D because E.", 2)], top.hit, 3) == [top]
    plain = said("a", "A.", 1)
    assert with_reason([plain], [said("d", "D.", 2), plain], plain.hit, 3) == [plain]
    reason = Said(plain.hit, 0, "A.")  # the chosen sentence itself is never added twice
    assert with_reason([plain], [reason], plain.hit, 3) == [plain]
