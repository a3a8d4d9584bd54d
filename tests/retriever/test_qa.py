"""Retrieval and answers with the real model over the shipped guide."""

from __future__ import annotations

import pytest

from config.settings import Settings
from evaluation.evalset import load_eval_set
from retriever.answer import ABSTAIN_TEXT
from retriever.embedding import Embedder
from retriever.errors import InvalidQueryError
from retriever.more import NO_MORE_TEXT
from retriever.qa import QA
from retriever.types import Answer
from tests.helpers import EVAL_DIR

CAREER = "Career growth opportunities and market demand in AI and ML fields"
SKILLS = "Key differences in skills, tools, and responsibilities"
UNDERSTANDING = "Understanding AI engineering and machine learning engineering"
TRANSITION = "How to transition or specialize effectively in AI or ML engineering"
TAKEAWAYS = "Key takeaways"

KNOWN = [
    ("How much do entry-level AI engineers earn?", CAREER),
    # The guide answers this twice: "what these roles actually do day to day" and "Your daily
    # responsibilities"; either section is right.
    ("What does an ML engineer do day to day?", (UNDERSTANDING, SKILLS)),
    ("Which frameworks do AI engineers use?", SKILLS),
    ("What math do ML engineers need?", SKILLS),
    ("Can a software developer move into an AI role?", "FAQ"),
    ("What degree do I need for machine learning engineering?", "FAQ"),
    ("What are the main challenges ML engineers face?", "FAQ"),
    ("How do AI engineers and ML engineers work together?", "FAQ"),
    ("What career paths exist for ML engineers?", CAREER),
    ("What portfolio projects should I build to become an AI engineer?", TRANSITION),
    ("What mistakes should I avoid when breaking into AI?", TRANSITION),
    ("Is machine learning part of artificial intelligence?", UNDERSTANDING),
    ("Is there demand for AI engineers in the job market?", CAREER),
    ("Why is learning both AI and ML skills an advantage?", TAKEAWAYS),
]
# Clearly out of scope: every signal far from its threshold, so no CPU's numerics flip them.
# ("What is a vector in physics?" sat 0.0002 under the cosine threshold: a borderline question
# belongs in the eval report's rates, not in a test that must hold on every machine.)
OUT_OF_SCOPE = [
    "How do I bake sourdough bread?",
    "How do I train a dog?",
    "What is the capital of France?",
    "How do I fix a leaking faucet?",
    "Who won the football world cup?",
]
# Near misses ("What do nurses earn?") are not all caught: the calibrated threshold trades them
# for in-scope questions, see the eval report's oos_abstained and false_abstention.

pytestmark = pytest.mark.model


@pytest.mark.parametrize(("question", "section"), KNOWN)
def test_known_questions_find_their_section_in_the_top_3(
    qa: QA, question: str, section: str | tuple[str, ...]
) -> None:
    hits = qa.search(question, k=3)
    wanted = {section} if isinstance(section, str) else set(section)
    assert wanted & {h.chunk.section for h in hits}
    # Ranks come from fusing dense and BM25; scores stay the cosine, shown for the reader.
    assert [h.rank for h in hits] == [1, 2, 3]
    assert all(-1.0 <= h.score <= 1.0 for h in hits)


def assert_grounded(answer: Answer) -> None:
    """Every part of the answer is copied verbatim from the chunk its [n] cites."""
    assert not answer.abstained and answer.parts
    by_n = {c.n: c for c in answer.citations}
    assert sorted(by_n) == list(range(1, len(by_n) + 1))
    for part in answer.parts:
        assert part.text in by_n[part.n].text
        assert part.text in answer.text
    cited = {p.n for p in answer.parts}
    assert cited == set(by_n)  # nothing cited that the answer does not use
    assert all(f"[{n}]" in answer.text for n in by_n)


@pytest.mark.parametrize(("question", "section"), KNOWN)
def test_every_answer_sentence_is_copied_from_a_cited_chunk(
    qa: QA, question: str, section: str | tuple[str, ...]
) -> None:
    answer = qa.ask(question)
    assert_grounded(answer)
    # The answer text holds nothing but cited parts and their markers.
    remainder = answer.text
    for part in answer.parts:
        remainder = remainder.replace(part.text, "", 1)
    assert set(remainder) <= set(" \n-[]0123456789")


def test_salary_answer_carries_the_figures(qa: QA) -> None:
    answer = qa.ask("How much do entry-level AI engineers earn?")
    assert_grounded(answer)
    assert "$90,000 to $130,000" in answer.text
    assert any(c.section == CAREER and "$90,000 to $130,000" in c.text for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "My name is Zanzibar Quill: how much do entry-level AI engineers earn?",
        "I live in Reykjavik. How much do entry-level AI engineers earn?",
    ],
)
def test_names_and_places_do_not_make_an_in_scope_question_out_of_scope(
    qa: QA, question: str
) -> None:
    # The scope classifier this judge replaced refused these: it had learned one guide's topics
    # from near misses that ask about other countries (docs/abstention.md).
    answer = qa.ask(question)
    assert not answer.abstained
    assert "$90,000 to $130,000" in answer.text


@pytest.mark.parametrize(
    "question", ["What are the key takeaways of this guide?", "takeaways?", "give me a summary"]
)
def test_a_question_that_names_a_section_is_answered_from_it(qa: QA, question: str) -> None:
    # A title is not in its passages' own words: the judge's evidence alone abstained on these.
    answer = qa.ask(question)
    assert_grounded(answer)
    assert answer.citations and {c.section for c in answer.citations} == {"Key takeaways"}
    # The section is a table of four points: all of them, in the guide's order.
    points = ["AI engineering breadth", "ML engineering depth", "Tools and focus differences",
              "Dual skill advantage"]  # fmt: skip
    assert [line.split(" — ")[0] for line in answer.text.splitlines()] == [f"- {p}" for p in points]


def test_list_question_lists_the_items(qa: QA) -> None:
    answer = qa.ask("What career paths exist for ML engineers?")
    assert_grounded(answer)
    assert answer.text.startswith("ML engineering career paths often lead to:\n- ")
    for item in ("Research scientist positions", "ML platform engineer roles", "Specialized roles"):
        assert f"- {item}" in answer.text
    assert len(answer.citations) == 4


def test_comparison_uses_the_table_row_for_both_roles(qa: QA) -> None:
    answer = qa.ask("How does programming differ for AI engineers vs ML engineers?")
    assert_grounded(answer)
    first = answer.parts[0].text
    assert first.startswith("Programming — AI engineering emphasis:")
    assert "ML engineering emphasis:" in first


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_abstain(qa: QA, question: str) -> None:
    answer = qa.ask(question)
    assert answer.abstained and answer.text == ABSTAIN_TEXT
    assert answer.citations == () and answer.parts == ()


def test_abstention_does_not_depend_on_top_k(qa: QA) -> None:
    # Each question of the eval set abstains (or not) the same way whatever top_k asks for.
    evalset = load_eval_set(EVAL_DIR)
    questions = [q.question for q in evalset.questions] + [o.question for o in evalset.out_of_scope]
    differing = [q for q in questions if len({qa.ask(q, k).abstained for k in (1, 5, 20)}) > 1]
    assert differing == []


def test_tell_me_more_brings_passages_not_cited_yet_until_there_are_none(qa: QA) -> None:
    asked = "What does an AI engineer do day to day?"
    chat = [asked]
    cited = {c.chunk_id for c in qa.ask(asked).citations}
    gave = 0
    for _ in range(len(qa.build.chunks)):
        more = qa.ask("tell me more", history=chat)
        if more.abstained:
            break
        new = {c.chunk_id for c in more.citations}
        assert new and not new & cited, "a 'more' quoted a passage already cited"
        assert more.read_with == (asked,)
        assert_grounded(more)
        cited |= new
        gave += 1
        chat.append("tell me more")
    assert gave >= 1
    assert (more.text, more.read_with) == (NO_MORE_TEXT, (asked,))


def test_more_of_a_section_given_whole_is_no_more(qa: QA) -> None:
    more = qa.ask("what else?", history=["What are the key takeaways?"])
    assert (more.text, more.abstained) == (NO_MORE_TEXT, True)


def test_bm25_with_no_known_word_abstains_even_at_the_lowest_threshold(
    real_settings: Settings, real_embedder: Embedder
) -> None:
    settings = real_settings.override(retriever="bm25", min_score=-1.0)
    bm25 = QA.load(settings.serving(), embedder=real_embedder)
    assert bm25.search("zzyzx qwghlm", k=5) == []
    answer = bm25.ask("zzyzx qwghlm")
    assert answer.abstained and answer.citations == ()
    assert not bm25.ask("What do entry-level AI engineers earn?").abstained


@pytest.mark.parametrize(
    ("question", "k", "field"),
    [("   ", 5, "question"), ("x" * 1001, 5, "question"), ("ok", 0, "top_k"), ("ok", 21, "top_k")],
)
def test_invalid_queries_are_domain_errors(qa: QA, question: str, k: int, field: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        qa.ask(question, k)
    assert info.value.field == field
