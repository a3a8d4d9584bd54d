"""Abstention calibration: an evaluation step over a built index, run by ingest's orchestrator.

The threshold is fitted on the eval set's dev split (in-scope vs out-of-scope questions), using
the same signals serving compares with it (`QA.signals`). It applies only when the eval set
covers every indexed guide; otherwise the build records the measured fallback, so one guide's
questions never set the threshold for others.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.evalset import QUESTIONS, EvalSet, Question, load_eval_set
from retriever.abstention import Abstention, Calibration, Signals
from retriever.embedding import Embedder
from retriever.index import IndexBuild
from retriever.qa import FALLBACK_MIN_SCORE, FALLBACK_SOURCE, QA

MAX_FALSE_ABSTENTION = 0.02  # of in-scope questions; the target is 0.03 on unseen questions


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    min_score: float
    min_scope: float  # 0 when the model has no scope classifier
    false_abstention: float  # in-scope questions that would abstain, on the data it was fit on
    abstained: float  # out-of-scope questions that would abstain


def _cuts(values: Sequence[float]) -> list[float]:
    """Thresholds between consecutive distinct values, plus one below and one above all."""
    points = sorted(set(values))
    return [
        points[0] - 1e-6,
        *((a + b) / 2 for a, b in itertools.pairwise(points)),
        points[-1] + 1e-6,
    ]


def fit_abstention(in_scope: Sequence[Signals], out_of_scope: Sequence[Signals]) -> Fit:
    """Both thresholds (cosine, scope probability): the most out-of-scope abstentions within the
    false-abstention budget; among equal pairs, the middle of the tied range on each axis, the
    most margin for questions not seen here. Without a scope classifier (every scope 1.0), the
    cosine threshold alone."""
    if not in_scope or not out_of_scope:
        raise ValueError("calibration needs in-scope and out-of-scope questions")
    ins = np.array([(s.cosine, s.scope) for s in in_scope])
    outs = np.array([(s.cosine, s.scope) for s in out_of_scope])
    scopes = _cuts([*ins[:, 1], *outs[:, 1]]) if len({*ins[:, 1], *outs[:, 1]}) > 1 else [0.0]
    cosines = _cuts([*ins[:, 0], *outs[:, 0]])
    c = np.array(cosines)[:, None]
    best: tuple[float, float] = (-1.0, 0.0)
    ties: list[tuple[float, float]] = []
    for p in scopes:
        fa = ((ins[:, 0][None, :] < c) | (ins[:, 1][None, :] < p)).mean(axis=1)
        ab = ((outs[:, 0][None, :] < c) | (outs[:, 1][None, :] < p)).mean(axis=1)
        for k in np.flatnonzero(fa <= MAX_FALSE_ABSTENTION + 1e-12):
            key = (float(ab[k]), -float(fa[k]))
            if key > best:
                best, ties = key, []
            if key == best:
                ties.append((p, cosines[k]))
    if not ties:  # not even the lowest thresholds keep the budget: abstain on nothing
        return Fit(min_score=min(cosines), min_scope=0.0, false_abstention=0.0, abstained=0.0)
    scope_cuts = sorted({t[0] for t in ties})
    scope = _middle(scope_cuts, [*ins[:, 1], *outs[:, 1]]) if len(scopes) > 1 else 0.0
    pick = min(scope_cuts, key=lambda cut: abs(cut - scope))
    cosine = _middle([t[1] for t in ties if t[0] == pick], [*ins[:, 0], *outs[:, 0]])
    return Fit(min_score=cosine, min_scope=scope, false_abstention=-best[1], abstained=best[0])


def _middle(cuts: Sequence[float], points: Sequence[float]) -> float:
    """The middle of the gap between the data points around the tied cuts."""
    lo = max((x for x in points if x < min(cuts)), default=min(cuts))
    hi = (
        max(cuts)
        if not any(x > max(cuts) for x in points)
        else min(x for x in points if x > max(cuts))
    )
    return float((lo + hi) / 2)


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

    def calibrate(self, build: IndexBuild, embedder: Embedder, inputs: str) -> Calibration:
        dev = dev_set_for(self.eval_dir, searchable_sections(build))
        if dev is None:
            return Calibration(min_score=FALLBACK_MIN_SCORE, source=FALLBACK_SOURCE, inputs=inputs)
        qa = QA.assemble(build, embedder, Abstention(FALLBACK_MIN_SCORE, "", embedder.scope))
        fitted = fit_abstention(
            [qa.signals(q.question) for q in dev.questions],
            [qa.signals(o.question) for o in dev.out_of_scope],
        )
        source = (
            f"fitted on the dev split of {self.eval_dir} "
            f"({len(dev.questions)} in scope, {len(dev.out_of_scope)} out of scope)"
        )
        return Calibration(
            min_score=round(fitted.min_score, 4), min_scope=round(fitted.min_scope, 4),
            source=source, inputs=inputs,
            dev_false_abstention=round(fitted.false_abstention, 4),
            dev_out_of_scope_abstained=round(fitted.abstained, 4),
        )  # fmt: skip


def searchable_sections(build: IndexBuild) -> list[dict[str, str]]:
    """Per guide of the build: {section title: the text of its chunks}."""
    guides: dict[str, dict[str, list[str]]] = {d.id: {} for d in build.manifest.documents}
    for chunk in build.chunks:
        guides[chunk.document_id].setdefault(chunk.section, []).append(chunk.text)
    return [{title: "\n".join(texts) for title, texts in g.items()} for g in guides.values()]
