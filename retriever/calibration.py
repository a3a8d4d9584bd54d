"""Fit the abstention threshold on the dev split: in-scope vs out-of-scope best scores."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

MAX_FALSE_ABSTENTION = 0.02  # of in-scope questions; the target is 0.03 on unseen questions


@dataclass(frozen=True, slots=True)
class Calibration:
    min_score: float
    false_abstention: float  # in-scope questions that would abstain, on the data it was fit on
    abstained: float  # out-of-scope questions that would abstain

    def as_manifest(self) -> dict[str, float]:
        return {
            "min_score": round(self.min_score, 4),
            "dev_false_abstention": round(self.false_abstention, 4),
            "dev_out_of_scope_abstained": round(self.abstained, 4),
        }


def fit_threshold(in_scope: Sequence[float], out_of_scope: Sequence[float]) -> Calibration:
    """The threshold that abstains on the most out-of-scope questions while abstaining on at
    most MAX_FALSE_ABSTENTION of in-scope ones; among equals, the middle of the widest gap."""
    if not in_scope or not out_of_scope:
        raise ValueError("calibration needs in-scope and out-of-scope scores")
    points = sorted({*in_scope, *out_of_scope})
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    candidates += [points[0] - 1e-6, points[-1] + 1e-6]

    def rates(t: float) -> tuple[float, float]:
        fa = sum(s < t for s in in_scope) / len(in_scope)
        ab = sum(s < t for s in out_of_scope) / len(out_of_scope)
        return fa, ab

    allowed = [t for t in candidates if rates(t)[0] <= MAX_FALSE_ABSTENTION] or [min(candidates)]
    best = max(allowed, key=lambda t: (rates(t)[1], -rates(t)[0]))
    # Every threshold in [lo, hi] does equally well on this data: take its middle, the most
    # margin on either side for questions not seen here.
    tied = sorted(t for t in allowed if rates(t) == rates(best))
    lo = max([s for s in points if s < tied[0]], default=tied[0])
    hi = min([s for s in points if s > tied[-1]], default=tied[-1])
    threshold = (lo + hi) / 2
    fa, ab = rates(threshold)
    return Calibration(threshold, fa, ab)
