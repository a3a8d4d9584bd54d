"""The learning curve: test-split quality against how many train questions the model saw.

0 is the base model; "all" reuses the served tuned model when its card matches. Smaller
training sets are seeded samples of the train split.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from config.settings import Settings
from evaluation.evalset import load_eval_set
from evaluation.metrics import evaluate_qa
from evaluation.models import calibrated_qa, rebuild_with
from evaluation.report import CurvePoint
from retriever.embedding import ModelFiles
from retriever.embedding.torch_backend import TorchEmbedder
from tuning.card import read_card
from tuning.tune import base_build, make_model, plan

SIZES: tuple[int | None, ...] = (0, 100, 200, None)  # None: the whole train split


def learning_curve(
    settings: Settings, sizes: Sequence[int | None] = SIZES, progress: bool = False
) -> list[CurvePoint]:
    """One point per training-set size: questions used, and the test split's metrics."""
    eval_dir = settings.paths.eval
    threads = settings.model.threads
    test = load_eval_set(eval_dir).split("test")
    rows: list[CurvePoint] = []
    with tempfile.TemporaryDirectory(prefix="guide-rag-curve-") as tmp:
        build = base_build(settings, None, Path(tmp) / "index")
        for size in sizes:
            p = plan(settings, limit=size)
            card = read_card(settings.tuned_dir)
            if size == 0:
                model = TorchEmbedder(p.base, threads=threads)
            elif card is not None and card.inputs == p.inputs:  # the served model is this one
                model = TorchEmbedder(ModelFiles.of(str(settings.tuned_dir)), threads=threads)
            else:
                model = make_model(settings, p, Path(tmp) / f"model-{size}", f"curve-{size}",
                                   progress)  # fmt: skip
            qa = calibrated_qa(rebuild_with(build, model), model, eval_dir)
            used = 0 if size == 0 else len(p.questions)
            rows.append(CurvePoint(questions=used, metrics=evaluate_qa(qa, test)))
    return rows
