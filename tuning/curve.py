"""The learning curve: the shipped guide's test split against how many of its train questions
the general stage saw (seeded samples; 0 is the base model). No adaptation, no judge: the curve
is about the questions."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from config.settings import Settings
from evaluation.evalset import load_eval_set
from evaluation.metrics import evaluate_qa
from evaluation.models import calibrated_qa, rebuild_with
from evaluation.report import CurvePoint
from ingest.build import run_ingest
from ingest.embedder import embedder_of
from retriever.embedding import FakeEmbedder, ModelFiles
from retriever.index import load_index
from tuning.plan import plan
from tuning.train import fine_tune

SIZES: tuple[int | None, ...] = (0, 100, 200, None)  # None: the whole train split


def learning_curve(
    settings: Settings, sizes: Sequence[int | None] = SIZES, progress: bool = False
) -> list[CurvePoint]:
    test = load_eval_set(settings.paths.eval).split("test")
    rows: list[CurvePoint] = []
    with tempfile.TemporaryDirectory(prefix="guide-rag-curve-") as tmp:
        # The chunks once: each model re-embeds the same build.
        run_ingest(settings.override(index_dir=Path(tmp) / "index"), embedder=FakeEmbedder())
        build = load_index(Path(tmp) / "index")
        for size in sizes:
            p = plan(settings, limit=size)
            if size == 0:
                files = p.base
            else:
                files = ModelFiles(f"curve-{size}", Path(tmp) / f"model-{size}")
                fine_tune(p.base, p.general.pairs, p.recipe, files.path, progress)
            model = embedder_of(settings, files)
            qa = calibrated_qa(rebuild_with(build, model), model)
            used = 0 if size == 0 else p.general.questions
            rows.append(CurvePoint(questions=used, metrics=evaluate_qa(qa, test)))
    return rows
