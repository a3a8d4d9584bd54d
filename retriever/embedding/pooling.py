"""Vectors as sentence-transformers makes them: token states mean-pooled over the attention mask,
rows scaled to unit length. One home, so every backend's vectors and the token states the
alignment reads are normalized alike."""

from __future__ import annotations

import numpy as np


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Each row at length 1 (a zero row stays zero), as float32."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: np.ndarray = rows / np.clip(norms, 1e-12, None)
    return unit.astype(np.float32, copy=False)


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(batch, tokens, dim) states and their (batch, tokens) mask: one unit vector per text."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return unit_rows(pooled)
