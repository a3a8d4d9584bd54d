"""Pure logic of fusion, calibration and the vocabulary (no model)."""

from __future__ import annotations

import pytest

from retriever.calibration import fit_threshold
from retriever.fusion import convex_fusion, reciprocal_rank_fusion
from retriever.lexical import tokenize
from retriever.vocabulary import expand_abbreviations, normalize


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [i for i, _ in fused] == [1, 3, 2, 4]


def test_convex_fusion_normalises_each_retriever() -> None:
    # BM25 scores are on another scale entirely; min-max puts both on [0, 1] first.
    fused = dict(convex_fusion({1: 0.9, 2: 0.5, 3: 0.1}, {2: 40.0, 3: 0.0}, alpha=0.5))
    assert fused[1] == pytest.approx(0.5) and fused[2] == pytest.approx(0.75)
    assert fused[3] == pytest.approx(0.0)
    assert convex_fusion({}, {}) == []


def test_threshold_keeps_in_scope_and_splits_the_gap() -> None:
    fitted = fit_threshold([0.6, 0.7, 0.8], [0.1, 0.2, 0.3])
    assert fitted.min_score == pytest.approx(0.45)
    assert (fitted.false_abstention, fitted.abstained) == (0.0, 1.0)


def test_threshold_prefers_in_scope_questions_when_distributions_overlap() -> None:
    fitted = fit_threshold([0.3, 0.6, 0.7, 0.8], [0.1, 0.5])
    assert fitted.false_abstention == 0.0 and fitted.min_score < 0.3
    with pytest.raises(ValueError):
        fit_threshold([], [0.1])


def test_vocabulary_meets_abbreviations_and_synonyms() -> None:
    assert tokenize(["ML pay"]) == tokenize(["machine learning salaries"])
    assert "salary" in normalize("what do they earn")
    assert expand_abbreviations("is a CS degree needed for ML?") == (
        "is a computer science degree needed for machine learning?"
    )
    assert expand_abbreviations("HTML and XML") == "HTML and XML"  # whole words only
