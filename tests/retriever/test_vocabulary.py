"""The guide's vocabulary: abbreviations and synonyms meet (no model)."""

from __future__ import annotations

from retriever.search.lexical import tokenize
from retriever.vocabulary import expand_abbreviations, normalize


def test_vocabulary_meets_abbreviations_and_synonyms() -> None:
    assert tokenize(["ML pay"]) == tokenize(["machine learning salaries"])
    assert "salary" in normalize("what do they earn")
    assert expand_abbreviations("is a CS degree needed for ML?") == (
        "is a computer science degree needed for machine learning?"
    )
    assert expand_abbreviations("HTML and XML") == "HTML and XML"  # whole words only
