"""Mean pooling over the mask and unit rows: what every backend's vectors share."""

from __future__ import annotations

import numpy as np

from retriever.embedding.pooling import mean_pooled, unit_rows


def test_unit_rows_have_length_one_and_a_zero_row_stays_zero() -> None:
    rows = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float64))
    assert rows.dtype == np.float32
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]], atol=1e-7)


def test_padding_does_not_move_a_texts_vector() -> None:
    rng = np.random.default_rng(0)
    states = rng.normal(size=(1, 3, 8)).astype(np.float32)
    alone = mean_pooled(states, np.ones((1, 3), dtype=np.int64))
    # The same text padded to 5 tokens with large junk states behind a zero mask.
    padded = np.concatenate([states, np.full((1, 2, 8), 100.0, dtype=np.float32)], axis=1)
    mask = np.array([[1, 1, 1, 0, 0]], dtype=np.int64)
    np.testing.assert_allclose(mean_pooled(padded, mask), alone, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(alone, axis=1), [1.0], atol=1e-6)
    np.testing.assert_allclose(alone[0], unit_rows(states.mean(axis=1))[0], atol=1e-6)
