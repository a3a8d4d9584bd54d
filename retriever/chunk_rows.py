"""Rows that belong to chunks, a varying number each, stored as one array in chunk order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ChunkRows:
    """`counts[i]` rows for chunk i, one after another in `rows` (float32, contiguous)."""

    # What a row is and what the counts count, for the error when they disagree.
    noun = "rows"
    unit = "rows"

    def __init__(self, counts: Sequence[int], rows: np.ndarray) -> None:
        if sum(counts) != len(rows):
            raise ValueError(f"{len(rows)} {self.noun} for {sum(counts)} {self.unit}")
        self.counts = np.asarray(counts, dtype=np.int64)
        self.rows = np.ascontiguousarray(rows, dtype=np.float32)
        self.offsets = np.concatenate([[0], np.cumsum(self.counts)]).astype(int)

    @staticmethod
    def joined(per_chunk: Sequence[np.ndarray], dim: int) -> np.ndarray:
        """Each chunk's rows, one after another ((0, dim) when there are none)."""
        return np.concatenate(per_chunk) if per_chunk else np.zeros((0, dim), np.float32)

    def __len__(self) -> int:
        return len(self.counts)

    def of(self, chunk_index: int) -> np.ndarray:
        """(rows, dim): chunk `chunk_index`'s rows."""
        rows: np.ndarray = self.rows[self.offsets[chunk_index] : self.offsets[chunk_index + 1]]
        return rows
