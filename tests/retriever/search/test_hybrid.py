"""Pure logic of rank fusion (no model)."""

from __future__ import annotations

import pytest

from retriever.search.hybrid import convex_fusion, reciprocal_rank_fusion


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [i for i, _ in fused] == [1, 3, 2, 4]


def test_convex_fusion_normalises_each_retriever() -> None:
    # BM25 scores are on another scale entirely; min-max puts both on [0, 1] first.
    fused = dict(convex_fusion({1: 0.9, 2: 0.5, 3: 0.1}, {2: 40.0, 3: 0.0}, alpha=0.5))
    assert fused[1] == pytest.approx(0.5) and fused[2] == pytest.approx(0.75)
    assert fused[3] == pytest.approx(0.0)
    assert convex_fusion({}, {}) == []
