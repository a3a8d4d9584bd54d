"""'Tell me more': which turns ask for more, and how a chain's answers leave out what was cited."""

from __future__ import annotations

import pytest

from retriever.more import NO_MORE_TEXT, asks_more, continued, more_of, without
from retriever.qa import QA
from retriever.search import Keep
from retriever.types import Answer, Citation
from tests.helpers import make_chunk


@pytest.mark.parametrize(
    "turn",
    ["tell me more", "Tell me more!", "ok, tell me more about that", "go on", "what else?",
     "anything else?", "more please", "more info please", "can you elaborate?",
     "could you expand on that?", "please continue", "keep going", "is there more?",
     "thanks! what else?"],
)  # fmt: skip
def test_a_turn_that_only_asks_for_more(turn: str) -> None:
    assert asks_more(turn)


@pytest.mark.parametrize(
    "turn",
    ["what else should I learn?", "tell me more about ML engineers", "more about the second one",
     "what else do AI engineers use", "continue with the roadmap", "anything else i should know?",
     "can you say more about the second step?", "more " * 30],
)  # fmt: skip
def test_a_turn_that_asks_something_of_its_own_is_no_more(turn: str) -> None:
    assert not asks_more(turn)


def test_a_chain_of_more_continues_the_last_question_that_asked_something() -> None:
    assert continued("go on", ["what do AI engineers do?", "tell me more"]) == 0
    assert continued("what else?", ["hi there", "what do AI engineers do?"]) == 1
    assert continued("go on", ["tell me more"]) is None
    assert continued("go on", []) is None
    assert continued("and ML engineers?", ["what do AI engineers do?"]) is None


CHUNKS = [make_chunk(f"c{i}", f"Passage {i}.", position=i) for i in range(6)]


def _answer(keep: Keep | None, take: int = 2) -> Answer:
    """A fake QA: cites the first `take` chunks `keep` allows, abstains when none is left."""
    allowed = [c for i, c in enumerate(CHUNKS) if keep is None or keep(i)][:take]
    if not allowed:
        return Answer("none", abstained=True)
    cites = tuple(Citation(n=n, document="guide", section="S", chunk_id=c.id, score=0.5,
                           text=c.text) for n, c in enumerate(allowed, start=1))  # fmt: skip
    return Answer(" ".join(c.text for c in allowed), abstained=False, citations=cites)


def test_each_more_cites_only_chunks_no_answer_of_the_chain_cited() -> None:
    first = more_of(_answer, CHUNKS, None, 1, "Q?")
    assert [c.chunk_id for c in first.citations] == ["c2", "c3"]
    assert first.read_with == ("Q?",)
    third = more_of(_answer, CHUNKS, None, 2, "Q?")
    assert [c.chunk_id for c in third.citations] == ["c4", "c5"]


def test_a_document_filter_still_holds() -> None:
    odd = more_of(_answer, CHUNKS, lambda i: i % 2 == 1, 1, "Q?")
    assert [c.chunk_id for c in odd.citations] == ["c5"]
    assert not without(lambda i: i % 2 == 1, CHUNKS, {"c1"})(1)


def test_when_nothing_is_left_the_reply_says_there_is_no_more() -> None:
    done = more_of(_answer, CHUNKS, None, 3, "Q?")
    assert (done.text, done.abstained, done.read_with) == (NO_MORE_TEXT, True, ("Q?",))
    whole = more_of(_answer, CHUNKS, None, 1, "What are the key takeaways?", whole=True)
    assert whole.text == NO_MORE_TEXT


def test_more_of_an_abstained_question_abstains_as_it_did() -> None:
    refused = more_of(lambda keep: Answer("no", abstained=True), CHUNKS, None, 1, "Q?")
    assert (refused.text, refused.abstained) == ("no", True)


def test_more_with_nothing_asked_before_it_is_a_request_for_help(fake_qa: QA) -> None:
    for history in ([], ["thanks!"], ["go on"]):
        answer = fake_qa.ask("tell me more", history=history)
        assert answer.social and answer.abstained and answer.citations == ()
        assert answer == fake_qa.ask("what can you do?")
