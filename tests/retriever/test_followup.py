"""How a chat's new question is read with the ones before it (retriever/followup.py), with the
deterministic fake embedder: the forms are rules over words, the embedder only breaks ties."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from config.settings import Settings
from retriever.answer.terms import TermWeights
from retriever.embedding.fake import FakeEmbedder
from retriever.followup import Reader, Reading, _subject
from retriever.qa import QA
from retriever.subject import phrases
from tests.helpers import make_chunk

CHUNKS = [
    make_chunk("c1", "Entry-level AI engineers earn $90,000 to $130,000 in the United States."),
    make_chunk("c2", "ML engineers build training pipelines and deploy models to production."),
    make_chunk("c3", "AI engineers integrate models into products with APIs and frameworks."),
    make_chunk("c4", "Career paths lead to research scientist or ML platform engineer roles."),
    make_chunk("c5", "Day to day, ML engineers tune models and AI engineers ship features."),
    make_chunk("c6", "AI engineers and ML engineers both need strong Python skills."),
]
PATHS = ["Research scientist positions", "ML platform engineer roles", "Specialized roles"]


def _reader(items: Sequence[str] = PATHS) -> Reader:
    return Reader(TermWeights(CHUNKS), FakeEmbedder().encode, lambda earlier: items)


def _read(question: str, *history: str) -> Reading:
    return _reader().read(question, list(history))


def test_a_first_question_is_read_alone() -> None:
    reading = _read("How much do entry-level AI engineers earn?")
    assert reading.form == "alone" and reading.read_with == ()
    assert reading.text == reading.focus == reading.asked


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [
        # The span of as many words that shares one with the new subject is replaced whole.
        ("What career paths open up for AI engineers?", "what about ML engineers?",
         "What career paths open up for ML engineers?"),
        ("Does AI engineering lean toward breadth or depth?", "and ML engineering?",
         "Does ML engineering lean toward breadth or depth?"),
    ],
)  # fmt: skip
def test_a_new_subject_takes_the_place_of_the_one_it_stands_for(
    previous: str, question: str, expected: str
) -> None:
    reading = _read(question, previous)
    assert reading.form == "subject" and reading.read_with == (previous,)
    assert reading.text == expected
    assert reading.focus == question.removeprefix("what about ").removeprefix("and ").rstrip("?")


def test_a_chain_of_follow_ups_keeps_its_subject() -> None:
    reading = _read(
        "and ML engineers?",
        "How much do entry-level AI engineers earn?",
        "what about senior AI engineers?",
    )
    assert "ML engineers" in reading.text and "earn" in reading.text
    assert reading.read_with == ("what about senior AI engineers?",)


def test_why_and_pronouns_lean_on_the_question_before() -> None:
    previous = "Is it worth learning both AI and ML engineering skills?"
    for question in ("why?", "what do they build?"):
        reading = _read(question, previous)
        assert reading.form == "lean"
        assert reading.text == f"{previous} {question}" and reading.focus == question


@pytest.mark.parametrize(
    "question",
    ["what's the difference between them?", "compare them", "what do they have in common?",
     "how do they differ?", "do both need python?"],
)  # fmt: skip
def test_a_turn_about_both_subjects_is_read_with_both_questions(question: str) -> None:
    first, second = "What does an AI engineer do?", "and ML engineers?"
    reading = _read(question, first, second)
    assert reading.form == "lean" and reading.read_with == (first, second)
    assert reading.text == f"{first} {_read(second, first).text} {question}"
    # One subject asked about: "them" is the last question's.
    alone = _read(question, "What does an ML engineer do?")
    assert alone.read_with == ("What does an ML engineer do?",)
    # Two questions that are not one subject and its pair: the last one's.
    apart = _read(question, "What does an AI engineer do?", "what do ML engineers earn?")
    assert apart.read_with == ("what do ML engineers earn?",)


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [("How much do entry-level AI engineers earn?", "what about seniors?",
      "How much do senior AI engineers earn?"),
     ("How much do entry-level AI engineers earn?", "and the experienced ones?",
      "How much do experienced AI engineers earn?"),
     ("What do experienced AI engineers earn?", "and entry-level?",
      "What do entry-level AI engineers earn?"),
     ("What does an experienced AI engineer earn?", "what about seniors?",
      "What does a senior AI engineer earn?")],
)  # fmt: skip
def test_a_level_takes_the_place_of_the_level_asked_before(
    previous: str, question: str, expected: str
) -> None:
    reading = _read(question, previous)
    assert (reading.form, reading.text, reading.read_with) == ("subject", expected, (previous,))


def test_a_contraction_is_one_word_when_a_question_is_counted() -> None:
    # Ten words as typed; counted as twelve ("what", "s", "they", "d"), it was read alone.
    question = "so what's the gap they'd need to close before that?"
    reading = _read(question, "Can backend devs move into AI roles?")
    assert reading.form == "lean"


@pytest.mark.parametrize(
    "question",
    ["what happens to my career if i don't?", "is Python a problem if i can’t?",
     "so do credentials for ML engineers matter most?", "ok so should i skip python?"],
)  # fmt: skip
def test_a_left_out_verb_or_a_conclusion_leans_on_the_question_before(question: str) -> None:
    # Each names words the guide knows, and no pronoun that says it leans back.
    reading = _read(question, "Who advances fastest in AI careers?")
    assert reading.form == "lean" and reading.focus == question


@pytest.mark.parametrize(
    "question",
    ["what should I do first as an ML engineer?", "so which skills do ML engineers need?",
     "can I skip Python as an ML engineer?"],
)  # fmt: skip
def test_a_whole_question_with_a_subject_and_its_verb_stands_alone(question: str) -> None:
    assert _read(question, "Who advances fastest in AI careers?").form == "alone"


def test_an_ordinal_picks_the_item_of_the_previous_answer() -> None:
    reading = _read("tell me more about the second one", "What career paths exist?")
    assert reading.form == "item" and reading.focus == PATHS[1]
    assert reading.text.startswith(PATHS[1])


@pytest.mark.parametrize(
    ("question", "nth"),
    [("the first one, how would that work?", 0), ("second point please", 1),
     ("what was the last step again?", -1), ("expand on step 2", 1)],
)  # fmt: skip
def test_an_ordinal_after_a_determiner_or_before_a_noun_names_an_item(
    question: str, nth: int
) -> None:
    reading = _read(question, "What career paths exist?")
    assert reading.form == "item" and reading.focus == PATHS[nth]


@pytest.mark.parametrize(
    "question", ["should i learn tensorflow or pytorch first?", "should I get some certs first?"]
)
def test_an_ordinal_used_as_an_adverb_names_no_item(question: str) -> None:
    assert _read(question, "What career paths exist?").form != "item"


def test_an_ordinal_past_the_list_is_not_an_item() -> None:
    reading = _reader(items=PATHS[:1]).read("and the third one?", ["What career paths exist?"])
    assert reading.form != "item"


def test_a_topic_switch_stands_alone() -> None:
    question = "Which frameworks do AI engineers use to integrate models into products?"
    reading = _read(question, "How much do entry-level AI engineers earn?")
    assert reading.form == "alone" and reading.text == question and reading.read_with == ()


def test_a_new_topic_keeps_whom_the_question_was_about() -> None:
    # Nothing of "What do ML engineers build day to day?" resembles "tools": the new subject
    # takes the place of what was asked (its distinctive words), the roles the guide names
    # everywhere stay.
    reading = _read("and their tools?", "What do ML engineers build day to day?")
    assert reading.form == "subject"
    assert reading.text.startswith("their tools") and "ML" in reading.text
    assert "day" not in reading.text


def test_an_elliptical_one_fills_a_phrase_of_the_question() -> None:
    # Which phrase "the breadth one" fills is a matter of meaning (the real model picks "depth
    # point"); whatever the fake embedder picks, "one" is filled, not left dangling.
    reading = _read(
        "and the breadth one?", "What's the ML engineering depth point in the takeaways?"
    )
    assert reading.form == "subject" and "breadth" in reading.text
    assert "one" not in reading.text.lower().split() and reading.text.endswith("takeaways?")


def test_an_ordinal_goes_back_to_the_latest_answer_that_has_such_an_item() -> None:
    fake = FakeEmbedder()

    def items(earlier: Reading) -> Sequence[str]:
        return PATHS if "paths" in earlier.asked else ["Salaries vary by location."]

    reader = Reader(TermWeights(CHUNKS), fake.encode, items)
    history = ["What career paths exist?", "and how much do they earn?"]
    reading = reader.read("what was the third path again?", history)
    assert reading.form == "item" and reading.focus == PATHS[2]
    assert reading.read_with == ("What career paths exist?",)


def test_one_and_ones_stand_for_the_head_of_the_phrase_they_fill() -> None:
    reading = _read("and the ML ones?", "What do AI engineers build day to day?")
    assert reading.form == "subject"
    assert reading.text == "What do ML engineers build day to day?"


@pytest.mark.parametrize(
    ("previous", "turn", "expected"),
    [
        # A word the guide writes before the phrase is a kind of it, added before it (it was
        # "What does an senior engineer do day to day?", and "What do AI senior earn?").
        ("What does an AI engineer do day to day?", "what about senior ones?",
         "What does a senior AI engineer do day to day?"),
        ("What do AI engineers earn?", "and the senior ones?", "What do senior AI engineers earn?"),
        ("An AI engineer: what do they do?", "and experienced ones?",
         "An experienced AI engineer: what do they do?"),
        # The word the guide pairs with the phrase's own takes its place.
        ("What do AI engineers earn?", "and the ML ones?", "What do ML engineers earn?"),
    ],
)  # fmt: skip
def test_ones_after_a_kind_the_guide_names_is_that_kind_of_whom_was_asked_about(
    previous: str, turn: str, expected: str
) -> None:
    chunks = [
        *CHUNKS,
        make_chunk("c7", "Senior AI engineer roles focus on system architecture."),
        make_chunk("c8", "Experienced AI engineers earn more."),
    ]
    reader = Reader(TermWeights(chunks), FakeEmbedder().encode, lambda earlier: PATHS, chunks)
    reading = reader.read(turn, [previous])
    assert reading.text == expected and reading.form == "subject"
    # A kind the guide never writes before them is not about the engineers.
    free = reader.read("and the free ones?", ["What tools do AI engineers use?"])
    assert "free AI engineers" not in free.text


def test_a_phrase_never_spans_punctuation() -> None:
    # A phrase is swapped back into the text as written: one across a comma would never match.
    spans = phrases("what do ML engineers do on a normal day, responsibilities-wise?")
    assert "normal day" in spans and "responsibilities-wise" in spans
    assert not any("day responsibilities" in s for s in spans)


@pytest.mark.parametrize(
    ("said", "subject"),
    [
        ("AI engineers i mean", "AI engineers"),  # the cue said last
        ("for ML?", "ML"),  # a preposition before one word: the question keeps its own
        ("on the ML side?", "on the ML side"),
        ("to ask about moving over from regular dev, not degrees", "moving over from regular dev"),
    ],
)  # fmt: skip
def test_a_new_subject_is_read_without_the_words_around_it(said: str, subject: str) -> None:
    assert _subject(said) == subject


def test_a_correction_names_the_subject_it_meant() -> None:
    previous = "What career paths do ML engineers have?"
    reading = _read("no no, AI engineers i mean", previous)
    assert reading.form == "subject" and reading.text == "What career paths do AI engineers have?"


def test_a_correction_that_asks_a_whole_question_is_read_as_that_question() -> None:
    question = "my bad, i meant how AI and ML engineers split the work, not challenges"
    reading = _read(question, "What are the main challenges for AI engineers?")
    assert reading.form == "alone" and reading.read_with == ()
    assert reading.text == reading.focus == "how AI and ML engineers split the work"


@pytest.mark.parametrize(
    "said",
    [
        "totally different q: which frameworks do AI engineers use?",
        "unrelated, but which frameworks do AI engineers use?",
        "ok different thing, which frameworks do AI engineers use?",
        "changing subject — which frameworks do AI engineers use?",
        "new topic. which frameworks do AI engineers use?",
    ],
)
def test_a_turn_that_says_it_switches_topic_is_read_without_saying_so(said: str) -> None:
    reading = _read(said, "How much do entry-level AI engineers earn?")
    assert reading.form == "alone" and reading.read_with == ()
    assert reading.text == reading.focus == "which frameworks do AI engineers use?"


def test_a_new_subject_is_not_a_switch() -> None:
    reading = _read("and a different role, ML engineers?", "How much do AI engineers earn?")
    assert reading.form == "subject"


def test_a_preposition_before_the_new_subject_is_not_part_of_the_phrase_it_replaces() -> None:
    # The phrase is "ML engineers": with "for" it would take the place of three words and lose
    # "entry-level".
    reading = _read("what about for ML engineers?", "How much do entry-level AI engineers earn?")
    assert reading.text == "How much do entry-level ML engineers earn?"


def test_an_article_before_the_new_subject_is_not_part_of_the_phrase_it_replaces() -> None:
    # The question before keeps its own article: it read "an AI an ML engineer".
    reading = _read("and an ML engineer?", "What does an AI engineer do day to day?")
    assert reading.text == "What does an ML engineer do day to day?"


def test_a_subject_that_ends_in_mean_keeps_it() -> None:
    assert _subject("the arithmetic mean?") == "the arithmetic mean"


@pytest.mark.parametrize(
    ("turn", "phrases"),
    [
        # The phrase of as many words with the same head: both in one call. ("ML engineers"
        # needs none: the guide sets it beside "AI engineers", retriever/counterpart.py.)
        ("what about junior engineers?", {"junior engineers", "AI engineers"}),
        # No such phrase: the new subject and every phrase of the question before, in one call.
        ("and what about for a designer?", {"entry-level AI engineers", "AI engineers", "earn"}),
    ],
)
def test_a_what_about_follow_up_embeds_the_earlier_phrases_in_one_call(
    fake_index: Settings, turn: str, phrases: set[str]
) -> None:
    embedder = FakeEmbedder()
    qa = QA.load(fake_index.serving(), embedder=embedder)
    first = "How much do entry-level AI engineers earn?"
    qa.ask(first)
    before = len(embedder.calls)
    answer = qa.ask(turn, history=[first])
    calls = embedder.calls[before:]
    assert answer.read_with == (first,)
    # The phrases compared, then the question the turn is read as (and the turn's own words,
    # for abstention): one call each, never one per phrase.
    assert phrases <= set(calls[0]), calls
    assert len(calls) <= 3, calls


def test_the_other_one_is_the_counterpart_the_guide_sets_beside_the_phrase_asked_about() -> None:
    reader = Reader(TermWeights(CHUNKS), FakeEmbedder().encode, lambda earlier: PATHS, CHUNKS)
    previous = "What skills do AI engineers need?"
    for question in (
        "how about the other role?",
        "and the other one?",
        "what about the other?",
        "the other one?",
    ):
        reading = reader.read(question, [previous])
        assert reading.text == "What skills do ML engineers need?", question
        assert reading.form == "subject" and reading.focus == "ML engineers"
        assert reading.read_with == (previous,)
    # "other roles" is not "the other one": the roles in general, a new subject as before.
    assert reader.read("what about other roles?", [previous]).focus == "other roles"
    # A guide that sets nothing beside the phrase: read as any new subject is.
    alone = _reader().read("how about the other role?", [previous])
    assert alone.form == "subject" and alone.focus == "the other role"


@pytest.mark.parametrize(
    ("previous", "turn", "expected"),
    [
        ("What challenges do AI engineers face?", "and ml folks?",
         "What challenges do ML engineers face?"),
        ("Where do ML engineers usually end up?", "ai eng?",
         "Where do AI engineers usually end up?"),
        ("Where do ML engineers usually end up?", "what about for AI ppl then?",
         "Where do AI engineers usually end up?"),
        # Another form of the head: the field for the role (it was "What does an AI ML
        # engineering do?").
        ("What does an AI engineer do?", "and for ML engineering?", "What does an ML engineer do?"),
        # The pair said whole and more after it: the pair, then what the turn adds that the
        # question before does not ask (it was "How much do ML AI engineers' salaries?").
        ("How much do ML engineers earn?", "what about AI engineers' salaries?",
         "How much do AI engineers earn? salaries"),
        ("How much do ML engineers earn?", "what about AI engineers\u2019 salaries?",
         "How much do AI engineers earn? salaries"),
        ("What skills do AI engineers need?", "how about ML engineers, what's their day like?",
         "What skills do ML engineers need? what's their day like"),
        ("What tools do AI engineers use?", "what about ML engineers' tools?",
         "What tools do ML engineers use?"),
    ],
)  # fmt: skip
def test_a_subject_in_other_words_is_the_pair_its_first_word_names(
    previous: str, turn: str, expected: str
) -> None:
    reader = Reader(TermWeights(CHUNKS), FakeEmbedder().encode, lambda earlier: PATHS, CHUNKS)
    reading = reader.read(turn, [previous])
    assert reading.text == expected and reading.form == "subject"
    assert reading.read_with == (previous,)


def test_a_subject_that_says_more_than_the_pair_keeps_its_own_words() -> None:
    reader = Reader(TermWeights(CHUNKS), FakeEmbedder().encode, lambda earlier: PATHS, CHUNKS)
    # "ML models" and "ML ops" are not "ML engineers": a subject of its own.
    for subject in ("ML models", "ML ops"):
        reading = reader.read(f"and {subject}?", ["What do AI engineers build?"])
        assert "ML engineers" not in reading.text and subject in reading.text


def test_a_qa_reads_the_other_role_from_the_guides_it_serves(fake_qa: QA) -> None:
    # The shipped guide sets AI engineers beside ML engineers; a QA's reader knows its pairs.
    first = "What tools do AI engineers use?"
    reading = fake_qa.reader.read("how about the other role?", [first])
    assert reading.text == "What tools do ML engineers use?"
    assert fake_qa.ask("how about the other role?", history=[first]).read_with == (first,)


@pytest.mark.parametrize(
    "question",
    ["thanks! what about ML engineers?", "great, and ML engineers?",
     "Thank you so much. And ML engineers?", "ok cool — what about ML engineers?"],
)  # fmt: skip
def test_thanks_before_a_follow_up_does_not_hide_its_form(question: str) -> None:
    reading = _read(question, "How much do entry-level AI engineers earn?")
    assert reading.form == "subject"
    assert reading.text == "How much do entry-level ML engineers earn?"
    assert reading.asked == question  # shown as typed ("read with" names the turn before)


def test_great_as_a_word_of_the_question_stays() -> None:
    # Only an acknowledgement set off by punctuation is what a chat says before a question.
    reading = _read("great paying roles for ML engineers?", "what do AI engineers do?")
    assert "great" in reading.text
