"""The guide's vocabulary: abbreviations and synonyms meet (no model)."""

from __future__ import annotations

from retriever.search.lexical import tokenize
from retriever.vocabulary import normalize


def test_vocabulary_meets_abbreviations_and_synonyms() -> None:
    assert tokenize(["ML pay"]) == tokenize(["machine learning salaries"])
    assert "salary" in normalize("what do they earn")
    assert normalize("HTML and XML") == "HTML and XML"  # whole words only
