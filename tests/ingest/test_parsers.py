"""Plain-text guides as people save them: one paragraph a line (the shipped guide), or wrapped
at an editor's margin with blank lines between blocks and headings underlined."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.budgets import Budgets, OverBudget
from ingest.loaders import load_document
from ingest.parsers import parse_plaintext

WRAPPED = """Host Handbook
=============

About this handbook
-------------------

The handbook supports members of the community who host discussions. It
is maintained by the Community Engagement Team, who update it every
quarter.
Questions go to the team's mailing list.

1. Before the session
---------------------

- Sign on at least five minutes before the session starts, so that you
  can let people in from the waiting room.
- Check the agenda.

***

Short lines stay apart.
Each ends a sentence.
"""


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in parse_plaintext(text, Budgets().start("guide.txt"))]


def test_wrapped_text_is_read_as_paragraphs_under_underlined_headings() -> None:
    assert _blocks(WRAPPED) == [
        ("heading", "Host Handbook"),
        ("heading", "About this handbook"),
        ("paragraph", "The handbook supports members of the community who host discussions. It "
                      "is maintained by the Community Engagement Team, who update it every "
                      "quarter."),
        ("paragraph", "Questions go to the team's mailing list."),
        ("heading", "1. Before the session"),
        ("list_item", "Sign on at least five minutes before the session starts, so that you "
                      "can let people in from the waiting room."),
        ("list_item", "Check the agenda."),
        ("paragraph", "Short lines stay apart."),
        ("paragraph", "Each ends a sentence."),
    ]  # fmt: skip


def test_a_paragraph_a_line_is_read_line_by_line() -> None:
    # Lines longer than an editor's margin are whole paragraphs, as in the shipped guide: a
    # heading before one is not its first line, whatever the heading ends with.
    paragraph = "Hosting a community discussion is a great way to meet people " * 3
    text = f"Guide\nIntroduction\n{paragraph}\nRoles of the host\n{paragraph}\n"
    assert _blocks(text) == [
        ("heading", "Guide"), ("heading", "Introduction"), ("paragraph", paragraph.strip()),
        ("heading", "Roles of the host"), ("paragraph", paragraph.strip()),
    ]  # fmt: skip


def test_a_question_on_a_line_of_its_own_between_blank_lines_is_a_heading() -> None:
    text = (
        "Testing strategies\n\nWhat are you going to test?\n\nDecide on the features first.\n\n"
        "5-stage code review process\n\nEach stage has an owner.\nWhy? It keeps reviews short.\n"
    )
    assert _blocks(text) == [
        ("heading", "Testing strategies"),
        ("heading", "What are you going to test?"),
        ("paragraph", "Decide on the features first."),
        ("heading", "5-stage code review process"),
        ("paragraph", "Each stage has an owner."),
        ("paragraph", "Why? It keeps reviews short."),
    ]


def test_a_question_after_a_list_with_a_sentence_below_is_a_heading_a_block_a_line() -> None:
    # A block a line, no blank lines (lines past any margin): the question that opens a section
    # follows the list that ended the one before. A question over a heading, or one in the
    # prose, stays a paragraph.
    long = "Decide on the features and the browsers before you start testing them. " * 3
    text = (
        f"Testing strategies\n{long}\n- A-grade: Chrome.\n- C-grade: Opera.\n"
        f"What are you going to test?\n{long}\n- Agree on the criteria.\n"
        f"Does anyone have any questions?\nSample agendas\n{long}\n"
        "Is there an IC on the call?\n(pause)\n"
    )
    assert _blocks(text) == [
        ("heading", "Testing strategies"),
        ("paragraph", long.strip()),
        ("list_item", "A-grade: Chrome."),
        ("list_item", "C-grade: Opera."),
        ("heading", "What are you going to test?"),
        ("paragraph", long.strip()),
        ("list_item", "Agree on the criteria."),
        ("paragraph", "Does anyone have any questions?"),
        ("heading", "Sample agendas"),
        ("paragraph", long.strip()),
        ("paragraph", "Is there an IC on the call?"),
        ("paragraph", "(pause)"),
    ]


def test_a_heading_named_in_the_contents_without_its_question_mark_is_a_heading() -> None:
    text = (
        "Using open source code\nContents\n- Why track and review code\n- Final words\n"
        "Why track and review code?\nUntracked code is a legal risk.\n"
    )
    assert _blocks(text)[4:] == [
        ("heading", "Why track and review code?"),
        ("paragraph", "Untracked code is a legal risk."),
    ]


def test_questions_alone_in_a_faq_stay_over_their_answers() -> None:
    # In a FAQ each question and its answer are one passage (ingest.structure), as the same
    # guide's Markdown sets the questions in bold; elsewhere a question alone is a heading.
    text = (
        "Host handbook\n\nFAQ\n---\n\nWhat if no one shows up?\n\nSend a reminder.\n\n"
        "Roles\n-----\n\nWho takes notes?\n\nThe co-host takes notes.\n"
    )
    assert _blocks(text) == [
        ("heading", "Host handbook"),
        ("heading", "FAQ"),
        ("paragraph", "What if no one shows up?"),
        ("paragraph", "Send a reminder."),
        ("heading", "Roles"),
        ("heading", "Who takes notes?"),
        ("paragraph", "The co-host takes notes."),
    ]


def test_a_text_that_opens_with_a_sentence_takes_no_title_from_it() -> None:
    text = "This article explains how to test in many browsers.\nChoosing browsers\nStart small.\n"
    assert _blocks(text)[0] == ("paragraph", "This article explains how to test in many browsers.")


def test_what_wrapped_lines_and_underlines_add_counts_against_the_budgets() -> None:
    # One paragraph of 5,000 wrapped lines: each line's characters count as it joins.
    text = "Guide\n\n" + "".join(("word " * 14).strip() + "\n" for _ in range(5_000))
    with pytest.raises(OverBudget, match="GUIDE_RAG_MAX_GUIDE_CHARS"):
        parse_plaintext(text, Budgets(guide_chars=100_000).start("wrapped.txt"))
    # Lines made headings by the line under them count as sections.
    text = "Guide\n\n" + "".join(f"part {n}.\n---\n\n" for n in range(600))
    with pytest.raises(OverBudget, match="GUIDE_RAG_MAX_SECTIONS"):
        parse_plaintext(text, Budgets(sections=500).start("underlined.txt"))


def test_numbered_headings_in_capitals_or_alone_between_paragraphs() -> None:
    text = (
        "Onboarding Guide\n\n1. INTRODUCTION\n\nWelcome to the team.\n\n"
        "2. First week\n\nYou receive your laptop on the first morning.\n\n"
        "Steps:\n\n1. Install Python\n\n2. Run the installer\n\nThen restart.\n"
    )
    assert _blocks(text) == [
        ("heading", "Onboarding Guide"),
        ("heading", "1. INTRODUCTION"),
        ("paragraph", "Welcome to the team."),
        ("heading", "2. First week"),
        ("paragraph", "You receive your laptop on the first morning."),
        ("paragraph", "Steps:"),
        ("list_item", "Install Python"),  # a list of two: its items stay items
        ("list_item", "Run the installer"),
        ("paragraph", "Then restart."),
    ]


def test_numbered_headings_after_their_contents_are_headings() -> None:
    text = (
        "Guide\n\nContents\n\n1. Introduction\n2. First week\n\n1. Introduction\n\n"
        "Welcome.\n\n2. First week\n\nLaptops.\n"
    )
    assert _blocks(text) == [
        ("heading", "Guide"),
        ("heading", "Contents"),
        ("list_item", "Introduction"),
        ("list_item", "First week"),
        ("heading", "1. Introduction"),
        ("paragraph", "Welcome."),
        ("heading", "2. First week"),
        ("paragraph", "Laptops."),
    ]


def test_a_plain_text_faq_is_read_without_its_q_and_a_marks(tmp_path: Path) -> None:
    path = tmp_path / "faq.txt"
    path.write_text(
        "Onboarding Guide\n\nFAQ\n\nQ: Who do I ask about payroll?\n"
        "A: Write to the payroll team.\n\nQ. Can I work remotely?\nA. Yes, two days a week.\n",
        encoding="utf-8",
    )
    (faq,) = load_document(path).sections
    assert [(u.kind, u.lead, u.text) for u in faq.units] == [
        ("faq", "Who do I ask about payroll?", "Write to the payroll team."),
        ("faq", "Can I work remotely?", "Yes, two days a week."),
    ]


def test_a_heading_used_twice_is_named_with_the_heading_over_it(tmp_path: Path) -> None:
    # Plain text has no heading levels: a heading with nothing under it but another heading is
    # over the headings that follow, and names a repeated one, as Markdown's levels do.
    path = tmp_path / "events.txt"
    path.write_text(
        "Planning an event\n\nBudget\n\nSet one early.\n\nPersonnel\n\nName a lead.\n\n"
        "At the event\n\nPersonnel\n\nWear badges.\n\nTechnology\n\nTest the microphones.\n",
        encoding="utf-8",
    )
    titles = [s.title for s in load_document(path).sections]
    assert titles == ["Budget", "Personnel", "At the event — Personnel", "Technology"]


def test_a_heading_that_reads_like_the_title_further_down_is_a_section(tmp_path: Path) -> None:
    # "Overview" titles the guide and, under "Facets", a section of its own; only the title
    # repeated over the text (as pages saved from the web repeat it) is left out.
    path = tmp_path / "facets.txt"
    path.write_text(
        "Overview\n\nOverview\n\nThe tool cleans data.\n\n"
        "Facets\n\nOverview\n\nFacets filter rows.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert doc.title == "Overview"
    assert [(s.title, [u.text for u in s.units]) for s in doc.sections] == [
        ("Overview", ["The tool cleans data."]),
        ("Facets — Overview", ["Facets filter rows."]),
    ]


def test_a_manual_formatted_for_a_terminal_reads_as_its_text() -> None:
    # nroff and grotty set bold and underline with escape sequences, or by striking a character
    # over with the next ("m\bm", "_\bm"); a copied docs page keeps a heading's permalink ("¶").
    # Page numbers alone on a line are not headings.
    terminal = (
        "Host Handbook\n\n"
        "\x1b[1m1.1.  Roles\x1b[0m\n\n"
        "The h\bho\bos\bst opens the _\bs_\be_\bs_\bs_\bi_\bo_\bn on time.\n\n"
        "12\n\n"
        "Before the session\u00b6\n\n"
        "Read the \x1b[4magenda\x1b[24m first.\n"
    )
    assert _blocks(terminal) == [
        ("heading", "Host Handbook"),
        ("heading", "1.1.  Roles"),
        ("paragraph", "The host opens the session on time."),
        ("paragraph", "12"),
        ("heading", "Before the session"),
        ("paragraph", "Read the agenda first."),
    ]
