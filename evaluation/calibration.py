"""Abstention calibration: an evaluation step over a built index, run by ingest's orchestrator.

The threshold is fitted on the eval set's dev split (in-scope vs out-of-scope questions), using
the same signal serving compares with it (`QA.confidence`). It applies only when the eval set
covers every indexed guide; otherwise the build records the measured fallback, so one guide's
questions never set the threshold for others.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.evalset import QUESTIONS, EvalSet, Question, load_eval_set
from retriever.embedding import Embedder
from retriever.index import IndexBuild
from retriever.qa import FALLBACK_MIN_SCORE, FALLBACK_SOURCE, QA, Threshold

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


def dev_set_for(eval_dir: Path, guides: Sequence[Mapping[str, str]]) -> EvalSet | None:
    """The dev questions that apply to these guides, or None when they do not cover every guide.

    Each guide is given as {section title: its searchable text}. A question applies to a guide
    when the guide has all its sections and one of its facts is in their text: titles alone
    ("FAQ") are shared by many guides.
    """
    if not (eval_dir / QUESTIONS).is_file():
        return None
    dev = load_eval_set(eval_dir).split("dev")

    def answers(guide: Mapping[str, str], q: Question) -> bool:
        return all(s in guide for s in q.sections) and any(
            f in guide[s] for s in q.sections for f in q.facts
        )

    applicable = tuple(q for q in dev.questions if any(answers(g, q) for g in guides))
    covered = all(any(answers(g, q) for q in applicable) for g in guides)
    if not guides or not covered or not dev.out_of_scope:
        return None
    return EvalSet(applicable, dev.out_of_scope)


class DevSplitCalibrator:
    """ingest.build.Calibrator over the dev split of an eval set folder."""

    def __init__(self, eval_dir: Path) -> None:
        self.eval_dir = eval_dir

    def inputs(self, guides: Sequence[Mapping[str, str]]) -> str:
        dev = dev_set_for(self.eval_dir, guides)
        return f"dev:{dev.digest()}" if dev else f"fallback:{FALLBACK_MIN_SCORE}"

    def calibrate(self, build: IndexBuild, embedder: Embedder) -> dict[str, Any]:
        dev = dev_set_for(self.eval_dir, searchable_sections(build))
        if dev is None:
            return {"min_score": FALLBACK_MIN_SCORE, "source": FALLBACK_SOURCE}
        qa = QA.assemble(build, embedder, Threshold(FALLBACK_MIN_SCORE, FALLBACK_SOURCE))
        fitted = fit_threshold(
            [qa.confidence(q.question) for q in dev.questions],
            [qa.confidence(o.question) for o in dev.out_of_scope],
        )
        source = (
            f"fitted on the dev split of {self.eval_dir} "
            f"({len(dev.questions)} in scope, {len(dev.out_of_scope)} out of scope)"
        )
        return {**fitted.as_manifest(), "source": source}


def searchable_sections(build: IndexBuild) -> list[dict[str, str]]:
    """Per guide of the build: {section title: the text of its chunks}."""
    guides: dict[str, dict[str, list[str]]] = {d.id: {} for d in build.manifest.documents}
    for chunk in build.chunks:
        guides[chunk.document_id].setdefault(chunk.section, []).append(chunk.text)
    return [{title: "\n".join(texts) for title, texts in g.items()} for g in guides.values()]
