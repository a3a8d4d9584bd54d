"""A turn that is only social ("hi", "thanks!") is answered with what the assistant is, cites
nothing, and is never what a follow-up leans on."""

from __future__ import annotations

import json

import pytest

from retriever.errors import InvalidQueryError
from retriever.qa import QA
from retriever.smalltalk import reply, social
from tests.helpers import GUIDE

EVAL = GUIDE.parent / "eval"
KINDS = {
    "hi": "greeting",
    "Hello!": "greeting",
    "hey there 👋": "greeting",
    "Good morning!": "greeting",
    "hi, how are you?": "greeting",
    "thanks!": "thanks",
    "Thanks, that helps": "thanks",
    "thank you so much for the help": "thanks",
    "ok thanks": "thanks",
    "great, thanks!": "thanks",
    "ok": "ack",
    "got it": "ack",
    "makes sense": "ack",
    "yes": "ack",
    "bye": "goodbye",
    "thanks, bye!": "goodbye",
    "What can you do?": "help",
    "help": "help",
    "who are you?": "help",
    "What questions can I ask?": "help",
    "how does this work?": "help",
}
QUESTIONS = [
    "hi, how much do entry-level AI engineers earn?",
    "thanks, and what about ML engineers?",
    "help me choose between AI and ML engineering",
    "what are you paid as an AI engineer?",
    "ok so what about ML?",
    "what does this guide cover?",
    "how does this work in production?",
]


@pytest.mark.parametrize(("turn", "kind"), KINDS.items())
def test_a_social_turn_is_told_apart(turn: str, kind: str) -> None:
    assert social(turn) == kind


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_that_opens_socially_is_still_a_question(question: str) -> None:
    assert social(question) is None


def _in_scope_turns() -> list[str]:
    said: list[str] = []
    for path in [EVAL / "questions.jsonl", EVAL / "train_questions.jsonl",
                 *sorted((EVAL / "guides").glob("*/questions.jsonl"))]:  # fmt: skip
        said += [json.loads(line)["question"] for line in path.read_text().splitlines()]
    for path in (EVAL / "followups.jsonl", EVAL / "train_followups.jsonl"):
        said += [t for line in path.read_text().splitlines() for t in json.loads(line)["turns"]]
    return said


def test_no_in_scope_eval_question_or_follow_up_turn_is_social() -> None:
    turns = _in_scope_turns()
    assert len(turns) > 2000
    assert [t for t in turns if social(t)] == []


def test_a_greeting_names_the_guide_cites_nothing_and_answers_nothing(fake_qa: QA) -> None:
    (title,) = {c.document_title for c in fake_qa.build.chunks}
    answer = fake_qa.ask("Hi!")
    assert answer.text.startswith("Hello! Ask me anything about")
    assert f"“{title}”" in answer.text
    assert answer.abstained and answer.citations == ()


def test_thanks_after_a_question_is_not_read_as_its_follow_up(fake_qa: QA) -> None:
    asked = "How much do entry-level AI engineers earn?"
    thanks = fake_qa.ask("thanks, that helps", history=[asked])
    assert thanks.text.startswith("You're welcome.")
    assert thanks.read_with == ()


def test_a_social_turn_in_the_history_is_not_what_a_follow_up_leans_on(fake_qa: QA) -> None:
    asked = "How much do entry-level AI engineers earn?"
    after_thanks = fake_qa.ask("and ML engineers?", history=[asked, "thanks!"])
    assert after_thanks.read_with == (asked,)
    assert after_thanks == fake_qa.ask("and ML engineers?", history=[asked])


def test_a_social_turn_still_checks_its_fields(fake_qa: QA) -> None:
    with pytest.raises(InvalidQueryError) as raised:
        fake_qa.ask("hi", documents=["no-such-guide"])
    assert raised.value.field == "documents"
    with pytest.raises(InvalidQueryError) as raised:
        fake_qa.ask("hi", history=["x" * 5000])
    assert raised.value.field == "history"


def test_several_guides_are_named_and_a_filter_names_one() -> None:
    both = reply("help", ["Pay", "Leave"]).text
    assert "2 guides, “Pay” and “Leave”" in both
    assert "the guides' own sentences" in both
    assert reply("thanks", ["Pay"]).text == (
        "You're welcome. Ask another question about “Pay” whenever you like."
    )
    assert "9 guides" in reply("greeting", [f"g{i}" for i in range(9)]).text
