"""Sentences as the answer quotes them and ingest splits long passages by them (no model)."""

from __future__ import annotations

import pytest

from retriever.text import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # A period after an abbreviation ends no sentence: the answer quoted "Use a tool, e.g."
        ("Use a tool, e.g. Zoom or Teams. Then invite them.",
         ["Use a tool, e.g. Zoom or Teams.", "Then invite them."]),
        ("List the budget (i.e. FY25 CoE PyCon). Then submit.",
         ["List the budget (i.e. FY25 CoE PyCon).", "Then submit."]),
        ("Ask Dr. Smith. She knows.", ["Ask Dr. Smith.", "She knows."]),
        ("Safari vs. Chrome differ. Test both.", ["Safari vs. Chrome differ.", "Test both."]),
        # Before a number only: "max. 20", "No. 5"; "the answer is no. If…" ends one.
        ("Talk for (max. 20 minutes) at most. Then stop.",
         ["Talk for (max. 20 minutes) at most.", "Then stop."]),
        ("No. 5 is best. Next.", ["No. 5 is best.", "Next."]),
        ("The answer is no. If not, go.", ["The answer is no.", "If not, go."]),
        # "etc." and "min." end sentences as often as not: they still split.
        ("Bring pens, paper, etc. Then sit.", ["Bring pens, paper, etc.", "Then sit."]),
        ("It takes 5 min. Then go.", ["It takes 5 min.", "Then go."]),
        ("Version 2.0 is out. Ask the U.S. team.", ["Version 2.0 is out.", "Ask the U.S. team."]),
        # Only the word itself: "items." and "Keynotes." end sentences.
        ("Check the items. Then the Keynotes. Go.",
         ["Check the items.", "Then the Keynotes.", "Go."]),
        ("  One.   Two  \n\nThree? “Four.”", ["One.", "Two", "Three?", "“Four.”"]),
    ],
)  # fmt: skip
def test_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
    assert all(s in text for s in sentences)
