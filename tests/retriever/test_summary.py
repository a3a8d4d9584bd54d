"""A question that asks for a guide's summary is answered from the section that sums it up."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.build import run_ingest
from retriever.embedding import FakeEmbedder
from retriever.qa import QA
from retriever.summary import asks_summary, sums_up
from tests.helpers import fake_settings_for

ASKS = ["tl;dr", "TL;DR please", "tldr?", "give me a summary", "sum up the guide",
        "what's the gist?", "summarize", "main points of the guide, summarized",
        "quick recap of this doc", "what are the key takeaways?", "in a nutshell?"]  # fmt: skip
OTHERS = [
    "tl;dr what do ai engineers build?",  # a subject of its own: retrieval answers
    "quick summary of how ai and ml engineers differ in focus",
    "summary of the salary section",
    "what is a summary statistic?",
    "key points about pay",
    "what does this guide cover?",  # its sections (retriever/outline.py)
]


@pytest.mark.parametrize("question", ASKS)
def test_questions_that_ask_for_a_summary(question: str) -> None:
    assert asks_summary(question)


@pytest.mark.parametrize("question", OTHERS)
def test_questions_that_ask_about_something(question: str) -> None:
    assert not asks_summary(question)


def test_sections_that_sum_their_guide_up() -> None:
    summing = ["Key takeaways", "Summary", "Conclusion", "Final words", "TL;DR", "Wrapping up"]
    assert all(sums_up(t) for t in summing)
    others = ["Key differences in skills", "Setting up Google analytics", "Roadmap", "FAQ"]
    assert not any(sums_up(t) for t in others)


def test_the_shipped_guide_answers_a_summary_from_its_takeaways(fake_qa: QA) -> None:
    # The fake embedder ranks by shared words: "tl;dr" shares none with the takeaways table,
    # which must come in whatever retrieval ranked.
    answer = fake_qa.ask("tl;dr")
    assert not answer.abstained
    assert {c.section for c in answer.citations} == {"Key takeaways"}
    assert answer.text.startswith("- AI engineering breadth — ")


def test_a_guide_without_a_summary_says_what_it_covers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kiln.md").write_text(
        "# Firing a kiln\n\n## Loading\n\nStack the pots with a finger's gap between them.\n\n"
        "## Cooling\n\nLeave the lid shut until the kiln is under 100 degrees.\n",
        encoding="utf-8",
    )
    (corpus / "glaze.md").write_text(
        "# Glazing\n\n## Mixing\n\nSieve the glaze twice.\n\n"
        "## Summary\n\nThin coats, dry pots, and a clean foot make a good glaze.\n",
        encoding="utf-8",
    )
    settings = fake_settings_for(tmp_path, corpus_dir=corpus, reload_seconds=0)
    run_ingest(settings, embedder=FakeEmbedder())
    qa = QA.load(settings.serving(), embedder=FakeEmbedder())
    kiln = qa.ask("give me a summary", documents=["kiln"])
    assert not kiln.abstained
    assert kiln.text == "- Loading [1]\n- Cooling [2]"
    assert qa.ask("what is this guide about?", documents=["kiln"]).text == kiln.text
    glaze = qa.ask("tl;dr", documents=["glaze"])
    assert glaze.text == "Thin coats, dry pots, and a clean foot make a good glaze. [1]"
    # Of two guides, "the guide" is either: they are listed, as "what does this guide cover?"
    assert qa.ask("tl;dr").text == "- Glazing [1]\n- Firing a kiln [2]"
