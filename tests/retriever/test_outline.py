"""Questions about a guide as a whole are answered with its headings, in reading order, cited."""

from __future__ import annotations

import json

import pytest

from retriever.outline import Outline, asks_outline
from retriever.qa import QA
from retriever.types import Chunk
from tests.helpers import GUIDE, make_chunk

ASKS = [
    "what does this guide cover?",
    "What topics are covered?",
    "table of contents",
    "What's in this guide?",
    "give me an overview",
    "what are the sections of the document",
    "what is this guide about?",
]
OTHERS = [
    "what guides should I read to become an AI engineer?",
    "which docs explain pay?",
    "what topics are covered in quantum physics?",  # names what it asks about
    "main points of the guide",  # asks what it concludes: its passages say
    "summarize the guide",
    "what does an AI engineer cover in a code review?",
    "which section covers salaries?",
    "who is the author?",
    "what is AI engineering for?",
    "who should I talk to about pay?",
]
ASKS_OPENING = [
    "who is this guide for?",
    "What is this guide for?",
    "who should read this guide?",
    "is this guide for me?",
    "what's the point of this guide?",
]


ASKS_GUIDES = [
    "what guides do you have?",
    "Which guides are available?",
    "list the guides",
    "what documents can you answer from?",
]


@pytest.mark.parametrize("question", ASKS)
def test_questions_about_the_guide_as_a_whole(question: str) -> None:
    assert asks_outline(question) == "sections"


@pytest.mark.parametrize("question", ASKS_OPENING)
def test_questions_about_whom_a_guide_is_for(question: str) -> None:
    assert asks_outline(question) == "opening"


@pytest.mark.parametrize("question", ASKS_GUIDES)
def test_questions_about_which_guides_there_are(question: str) -> None:
    assert asks_outline(question) == "guides"


def _every_guide() -> Outline:
    """An outline of the shipped guide and every eval guide, by their titles."""
    catalogue = GUIDE.parent / "eval" / "guides" / "guides.jsonl"
    rows = [json.loads(line) for line in catalogue.read_text(encoding="utf-8").splitlines()]
    rows.append({"id": "career", "title": "AI engineering vs ML engineering career guide for devs"})
    chunks = [make_chunk(f"c{n}", "Text.", document_id=r["id"], document_title=r["title"],
                         section="Intro", position=0) for n, r in enumerate(rows)]  # fmt: skip
    return Outline(chunks)


def test_a_guide_named_by_its_title_lists_its_sections_in_an_index_of_several() -> None:
    pay = [_chunk("a", "pay", "Intro", 0), _chunk("b", "pay", "Raises", 1)]
    leave = [_chunk("c", "leave", "Holidays", 0), _chunk("d", "leave", "Sick days", 1)]
    outline = Outline(pay + leave)
    asked = outline.asked("What does the leave guide cover?")
    assert asked == ("sections", "leave")
    assert outline.answer(None, lambda i: 0.5, *asked).text == "- Holidays [1]\n- Sick days [2]"
    assert outline.asked("what does the cooking guide cover?") is None  # no such guide
    assert outline.asked("what does the guide say about raises?") is None  # not the outline
    both = _every_guide()
    assert both.asked("what topics does the incident commander handbook cover") == (
        "sections", "pagerduty-incident-commander",
    )  # fmt: skip
    assert both.asked("what does the OpenRefine guide cover?") is None  # two guides are


def test_no_eval_question_or_follow_up_turn_asks_for_the_outline() -> None:
    turns: list[str] = []
    for path in sorted((GUIDE.parent / "eval").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            turns += [row["question"]] if "question" in row else row.get("turns", [])
    assert len(turns) > 3000
    outline = _every_guide()
    assert [t for t in turns if asks_outline(t) or outline.asked(t)] == []


@pytest.mark.parametrize("question", OTHERS)
def test_questions_about_something_in_it(question: str) -> None:
    assert not asks_outline(question)


def _chunk(cid: str, document: str, section: str, position: int) -> Chunk:
    return make_chunk(cid, f"Text of {section}.", document_id=document,
                      document_title=f"The {document} guide", section=section,
                      position=position)  # fmt: skip


def test_one_guide_lists_its_sections_in_reading_order_each_cited_once() -> None:
    chunks = [_chunk("c", "pay", "Raises", 2), _chunk("a", "pay", "Intro", 0),
              _chunk("b", "pay", "Intro", 1), _chunk("d", "pay", "FAQ", 3)]  # fmt: skip
    answer = Outline(chunks).answer(None, lambda i: 0.5)
    assert answer.text == "- Intro [1]\n- Raises [2]\n- FAQ [3]"
    assert [c.chunk_id for c in answer.citations] == ["a", "c", "d"]
    assert not answer.abstained


def test_several_guides_list_the_guides_and_a_filter_lists_one_guides_sections() -> None:
    pay = [_chunk("a", "pay", "Intro", 0), _chunk("b", "pay", "Raises", 1)]
    leave = [_chunk("c", "leave", "Holidays", 0), _chunk("d", "leave", "Sick days", 1)]
    chunks = pay + leave
    outline = Outline(chunks)
    assert outline.answer(None, lambda i: 0.5).text == (
        "- The leave guide [1]\n- The pay guide [2]"
    )
    only_leave = outline.answer(lambda i: i >= 2, lambda i: 0.5)
    assert only_leave.text == "- Holidays [1]\n- Sick days [2]"
    # "Which guides are there?" is answered with the guides, however many the filter leaves.
    assert outline.answer(lambda i: i >= 2, lambda i: 0.5, "guides").text == "- The leave guide [1]"


def test_whom_a_guide_is_for_is_its_opening_and_several_guides_are_listed() -> None:
    said = "New to pay talks? This guide is for you. It covers raises. And more."
    opening = make_chunk("a", said, document_id="pay", document_title="The pay guide",
                         section="Intro", position=0)  # fmt: skip
    chunks = [_chunk("b", "pay", "Raises", 1), opening, _chunk("c", "leave", "Holidays", 0)]
    outline = Outline(chunks)
    answer = outline.answer(lambda i: i < 2, lambda i: 0.5, "opening")
    assert answer.text == "New to pay talks? This guide is for you. [1] It covers raises. [1]"
    assert [c.chunk_id for c in answer.citations] == ["a"]
    assert outline.answer(None, lambda i: 0.5, "opening").text == (
        "- The leave guide [1]\n- The pay guide [2]"
    )


def test_the_shipped_guide_says_what_it_covers_instead_of_abstaining(fake_qa: QA) -> None:
    answer = fake_qa.ask("What does this guide cover?")
    sections = list(dict.fromkeys(c.section for c in fake_qa.build.chunks))
    assert not answer.abstained
    assert [c.section for c in answer.citations] == sections
    assert "- FAQ [" in answer.text


def test_the_shipped_guide_says_whom_it_is_for_from_its_opening(fake_qa: QA) -> None:
    answer = fake_qa.ask("Who is this guide for?")
    first = min(fake_qa.build.chunks, key=lambda c: c.position)
    assert not answer.abstained
    assert [c.chunk_id for c in answer.citations] == [first.id]
    assert answer.text.startswith(first.answer_sentences[0])


def test_the_shipped_guide_names_itself_when_asked_which_guides_there_are(fake_qa: QA) -> None:
    (title,) = {c.document_title for c in fake_qa.build.chunks}
    answer = fake_qa.ask("Which guides do you have?")
    assert answer.text == f"- {title} [1]"
    assert not answer.abstained
