"""The gate held out by guide (issue 16): the test guides, which no choice touched and no
question of which trained anything, indexed beside the shipped guide as a user would add them,
with the model `guide-rag tune` adapts to that corpus and the served retriever.

Targets are the issue's. A target the method does not reach yet is asserted at a floor a little
under its measured value (so a regression still fails) and kept, unchanged, in an xfail(strict)
test that turns red the day it is met; the evidence is in docs/evaluation.md.
"""

from __future__ import annotations

import pytest

from config.settings import Settings
from evaluation.held_out import SHIPPED, corpus, evaluate_guides
from evaluation.metrics import Metrics
from ingest.embedder import embedder_for
from tests.helpers import EVAL_DIR, real_settings_for
from tuning.tune import run_tune

pytestmark = pytest.mark.model

# (metric, target, at most?) on guides no question was written for, pooled over the test guides.
UNSEEN = {
    "fact@3": 0.92, "answer_facts": 0.85, "citation_precision": 0.85, "oos_abstained": 0.80,
}  # fmt: skip
UNSEEN_MAX = {"false_abstention": 0.05, "chars@3": 1000.0}
# The career guide's test split, in the same index.
CAREER = {"hit@1": 0.93, "oos_abstained": 0.90}
CAREER_MAX = {"false_abstention": 0.02}
# Unmet targets: the floor asserted today (measured value less the run-to-run spread) and why.
# Measured with `guide-rag eval --guides` (reports/eval-guides.md, docs/evaluation.md).
UNMET: dict[tuple[str, str], float] = {}


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Metrics]:
    home = tmp_path_factory.mktemp("guides")
    base: Settings = real_settings_for(home)
    base = base.override(eval_dir=EVAL_DIR)
    folder, guides = corpus(base, home / "corpus")
    # The same adapted model `guide-rag eval --guides` makes (cached by its inputs).
    tuned = base.override(corpus_dir=folder, tuned_dir=base.paths.models / "eval-adapted")
    report = run_tune(tuned)
    embedder = embedder_for(base, str(report.model_dir))
    test_guides = [g for g in guides if g.split == "test"]
    found = evaluate_guides(base, {"adapted": embedder}, folder, test_guides,
                            modes=(base.retrieval.retriever,))  # fmt: skip
    return {f"{r.guide}/{r.split}": r.metrics for r in found}


def _check(metrics: Metrics, targets: dict[str, float], most: dict[str, float], where: str,
           unmet: bool) -> None:  # fmt: skip
    for metric, target in targets.items():
        floor = UNMET.get((where, metric))
        if (floor is not None) != unmet:
            continue
        assert metrics[metric] >= (floor if floor is not None else target), (where, metric)
    for metric, ceiling in most.items():
        if unmet:
            continue
        assert metrics[metric] <= ceiling, (where, metric)


def test_unseen_guides_meet_the_targets(rows: dict[str, Metrics]) -> None:
    _check(rows["test guides/test"], UNSEEN, UNSEEN_MAX, "unseen", unmet=False)


def test_the_shipped_guide_keeps_its_quality_beside_them(rows: dict[str, Metrics]) -> None:
    _check(rows[f"{SHIPPED}/test"], CAREER, CAREER_MAX, "career", unmet=False)


def test_unmet_targets_hold_their_measured_floor(rows: dict[str, Metrics]) -> None:
    _check(rows["test guides/test"], UNSEEN, {}, "unseen", unmet=True)
    _check(rows[f"{SHIPPED}/test"], CAREER, {}, "career", unmet=True)


@pytest.mark.xfail(strict=True, reason="targets not met yet: see UNMET and docs/evaluation.md")
def test_unmet_targets_are_met(rows: dict[str, Metrics]) -> None:
    if not UNMET:
        pytest.fail("no unmet target: drop this test's xfail")  # strict xfail: passes as xfail
    for where, metric in UNMET:
        key = "test guides/test" if where == "unseen" else f"{SHIPPED}/test"
        target = (UNSEEN if where == "unseen" else CAREER)[metric]
        assert rows[key][metric] >= target, (where, metric)
