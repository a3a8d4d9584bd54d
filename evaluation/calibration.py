"""Abstention calibration: the threshold on the judge's probability (or on the best cosine),
fitted on dev questions in and out of scope.

Fitted where the model is made (`guide-rag tune`), on the dev guides beside the shipped guide and
the shipped guide's dev split: one threshold for every guide, recorded with the model and copied
into every index built with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_FALSE_ABSTENTION = 0.04  # of each dev guide's in-scope questions (docs/abstention.md)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    threshold: float
    false_abstention: float  # in-scope questions under it, on the questions it was fitted on
    worst_guide: float  # the same, of the guide with the most
    abstained: float  # out-of-scope questions under it


def _cuts(values: Sequence[float]) -> list[float]:
    """Thresholds between consecutive distinct values, plus one below and one above all."""
    points = sorted(set(values))
    return [
        points[0] - 1e-6,
        *((a + b) / 2 for a, b in itertools.pairwise(points)),
        points[-1] + 1e-6,
    ]


def fit_threshold(
    in_scope: Sequence[float],
    out_of_scope: Sequence[float],
    max_false_abstention: float = MAX_FALSE_ABSTENTION,
    guides: Sequence[str] = (),
) -> Fit:
    """The threshold (abstain below it) that abstains on the most out-of-scope questions while
    abstaining on at most `max_false_abstention` of each guide's in-scope ones (`guides`: the
    guide of each in-scope value; none: one guide); among equals, the middle of the tied range:
    the most margin for questions not seen here.

    Each guide, not the pool: pooled, the budget went to whichever guide's questions score low
    (the shipped guide's: 0.062 of its dev questions abstained in a mixed index, 0.005 of the
    other guides'; docs/abstention.md), and one threshold means the same on every guide only if
    none pays for the others."""
    if not in_scope or not out_of_scope:
        raise ValueError("calibration needs in-scope and out-of-scope questions")
    if guides and len(guides) != len(in_scope):
        raise ValueError(f"{len(guides)} guides for {len(in_scope)} in-scope questions")
    ins, outs = np.asarray(in_scope), np.asarray(out_of_scope)
    cuts = np.array(_cuts([*ins, *outs]))
    under = ins[None, :] < cuts[:, None]
    fa = under.mean(axis=1)
    of = np.asarray(guides) if guides else np.zeros(len(ins), dtype=int)
    worst = np.max([under[:, of == g].mean(axis=1) for g in np.unique(of)], axis=0)
    ab = (outs[None, :] < cuts[:, None]).mean(axis=1)
    allowed = np.flatnonzero(worst <= max_false_abstention + 1e-12)
    if not len(allowed):  # not even the lowest threshold keeps the budget: abstain on nothing
        return Fit(threshold=float(cuts[0]), false_abstention=0.0, worst_guide=0.0,
                   abstained=0.0)  # fmt: skip
    best = max(allowed, key=lambda k: (ab[k], -fa[k]))
    tied = [k for k in allowed if (ab[k], fa[k]) == (ab[best], fa[best])]
    lo, hi = float(cuts[min(tied)]), float(cuts[max(tied)])
    # The tied cuts lie between data points: their middle is the middle of the gap they span.
    return Fit(threshold=(lo + hi) / 2, false_abstention=float(fa[best]),
               worst_guide=float(worst[best]), abstained=float(ab[best]))  # fmt: skip
