"""The other of a pair a guide sets side by side (retriever/counterpart.py)."""

from __future__ import annotations

from retriever.counterpart import Counterparts
from tests.helpers import make_chunk

CHUNKS = [
    make_chunk("c1", "AI engineers ship products. ML engineers train models."),
    make_chunk("c2", "AI engineers and ML engineers both write Python. Senior engineers lead."),
    make_chunk("c3", "Day to day, ML engineers tune models while AI engineers wire up APIs."),
    make_chunk("c4", "AI engineering is broad; ML engineering is deep. Data engineers move data."),
    make_chunk("c5", "Batch pipelines run nightly, streaming pipelines run all day."),
    make_chunk("c6", "Each AI engineer pairs with an ML engineer."),
]


def test_the_counterpart_is_the_phrase_named_beside_it_most_often_as_the_guide_writes_it() -> None:
    pairs = Counterparts(CHUNKS)
    # "Senior engineers" and "Data engineers" share the head but never a sentence with AI.
    assert pairs.of("AI engineers") == ("ML engineers", 3)
    assert pairs.of("ml engineers") == ("AI engineers", 3)
    # Singular or plural, one pair, said with the question's own word.
    assert pairs.of("AI engineer") == ("ML engineer", 3)
    assert pairs.of("AI engineering") == ("ML engineering", 1)
    assert pairs.of("streaming pipelines") == ("Batch pipelines", 1)


def test_a_phrase_the_guide_sets_beside_nothing_has_no_counterpart() -> None:
    pairs = Counterparts(CHUNKS)
    assert pairs.of("Senior engineers") is None  # alone in its sentence
    assert pairs.of("product managers") is None  # not in the guide
    assert pairs.of("engineers") is None and pairs.of("senior AI engineers") is None
    assert Counterparts([]).of("AI engineers") is None


def test_the_phrase_beside_it_that_starts_with_a_given_word() -> None:
    pairs = Counterparts(CHUNKS)
    assert pairs.named("AI engineers", "ml") == "ML engineers"
    assert pairs.named("ai engineering", "ML") == "ML engineering"
    assert pairs.named("AI engineers", "senior") is None  # never in one sentence with it
    assert pairs.named("AI engineers", "ai") is None  # itself
    assert pairs.named("engineers", "ml") is None
