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

# Issue 16's targets: on guides no question was written for (pooled over the test guides), and
# on the shipped guide's test split in the same index. (metric: (at least?, target))
TARGETS: dict[str, dict[str, tuple[bool, float]]] = {
    "test guides/test": {
        "fact@3": (True, 0.92), "answer_facts": (True, 0.85), "citation_precision": (True, 0.85),
        "oos_abstained": (True, 0.80), "false_abstention": (False, 0.05), "chars@3": (False, 1000),
    },
    f"{SHIPPED}/test": {
        "hit@1": (True, 0.93), "oos_abstained": (True, 0.90), "false_abstention": (False, 0.02),
    },
}  # fmt: skip
# Targets not met yet, and the floor each holds meanwhile: the value measured by `guide-rag eval
# --guides` (2026-11-26; answer facts and abstention 2026-11-27, docs/evaluation.md) less two or
# three questions' worth of run-to-run and machine-to-machine spread. Measured: unseen fact@3
# 0.855, answer facts 0.780, off-topic abstained 0.375 (80 questions); shipped guide hit@1 0.823,
# off-topic abstained 0.800 (30). Re-measured 2026-11-28, the model re-adapted to three passages
# more in two dev guides: fact@3 0.845, answer facts 0.755 (two questions over its floor),
# off-topic 0.375; shipped guide hit@1 0.835, off-topic 0.767. After the abstention change of
# the same day (docs/abstention.md): off-topic 0.425 (false 0.025), shipped guide off-topic
# 0.800 (false 0.000). 2026-11-29, short sentences past the third (docs/evaluation.md): answer
# facts 0.775; the floor stays where a re-adaptation's spread (0.755 -> 0.735) needs it.
# 2026-11-30, re-adapted to the Carpentries guide's formatted links: fact@3 0.840, answer facts
# 0.770, citations 0.855, off-topic 0.438; shipped guide hit@1 0.848, off-topic 0.800.
UNMET: dict[tuple[str, str], float] = {
    ("test guides/test", "fact@3"): 0.82,
    ("test guides/test", "answer_facts"): 0.745,
    ("test guides/test", "oos_abstained"): 0.33,
    (f"{SHIPPED}/test", "hit@1"): 0.78,
    (f"{SHIPPED}/test", "oos_abstained"): 0.70,
}


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Metrics]:
    home = tmp_path_factory.mktemp("guides")
    base: Settings = real_settings_for(home).override(eval_dir=EVAL_DIR)
    folder, guides = corpus(base, home / "corpus")
    # The model `guide-rag tune` adapts to that corpus, as `guide-rag eval --guides` makes it
    # (and cached by its inputs under the same folder).
    tuned = base.override(corpus_dir=folder, tuned_dir=base.paths.models / "eval-adapted")
    embedder = embedder_for(base, str(run_tune(tuned).model_dir))
    test_guides = [g for g in guides if g.split == "test"]
    found = evaluate_guides(base, {"adapted": embedder}, folder, test_guides,
                            modes=(base.retrieval.retriever,))  # fmt: skip
    return {f"{r.guide}/{r.split}": r.metrics for r in found}


def _holds(value: float, at_least: bool, bound: float) -> bool:
    return value >= bound if at_least else value <= bound


def test_the_met_targets_hold(rows: dict[str, Metrics]) -> None:
    missed = {
        (where, metric): round(rows[where][metric], 3)
        for where, targets in TARGETS.items()
        for metric, (at_least, target) in targets.items()
        if (where, metric) not in UNMET and not _holds(rows[where][metric], at_least, target)
    }
    assert not missed, f"below target: {missed}"


def test_the_unmet_targets_hold_their_floor(rows: dict[str, Metrics]) -> None:
    fell = {key: round(rows[key[0]][key[1]], 3) for key, floor in UNMET.items()
            if rows[key[0]][key[1]] < floor}  # fmt: skip
    assert not fell, f"below the measured floor: {fell}"


@pytest.mark.xfail(strict=True, reason="issue 16's targets in UNMET are not met yet")
def test_the_unmet_targets(rows: dict[str, Metrics]) -> None:
    # Strict: the day every one is met this passes, turns the suite red, and UNMET goes.
    assert all(rows[where][metric] >= TARGETS[where][metric][1] for where, metric in UNMET)
