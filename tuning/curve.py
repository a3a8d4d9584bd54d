"""The learning curve: test-split quality against how many train questions the model saw.

0 is the base model; "all" reuses the served tuned model when its card matches. Smaller
training sets are seeded samples of the train split.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from evaluation.evalset import load_eval_set
from evaluation.metrics import evaluate_qa
from evaluation.models import calibrated_qa, rebuild_with
from retriever.embedding import ModelFiles
from retriever.embedding.torch_backend import TorchEmbedder
from tuning.card import read_card
from tuning.settings import TuneSettings
from tuning.tune import base_build, make_model, plan

SIZES: tuple[int | None, ...] = (0, 100, 200, None)  # None: the whole train split
METRICS = ("hit@1", "fact@3", "answer_facts")


def learning_curve(
    settings: TuneSettings, sizes: Sequence[int | None] = SIZES, progress: bool = False
) -> list[dict[str, float]]:
    """One row per training-set size: questions used, then METRICS on the test split."""
    test = load_eval_set(settings.eval_dir).split("test")
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="guide-rag-curve-") as tmp:
        build = base_build(settings, None, Path(tmp) / "index")
        for size in sizes:
            p = plan(settings, limit=size)
            card = read_card(settings.tuned_dir)
            if size == 0:
                model = TorchEmbedder(p.base, threads=settings.threads)
            elif card is not None and card.inputs == p.inputs:  # the served model is this one
                model = TorchEmbedder(ModelFiles.of(str(settings.tuned_dir)), settings.threads)
            else:
                model = make_model(settings, p, Path(tmp) / f"model-{size}", f"curve-{size}",
                                   progress)  # fmt: skip
            qa = calibrated_qa(rebuild_with(build, model), model, settings.eval_dir)
            metrics = evaluate_qa(qa, test)
            used = 0 if size == 0 else len(p.questions)
            rows.append({"questions": used, **{m: metrics[m] for m in METRICS}})
    return rows
