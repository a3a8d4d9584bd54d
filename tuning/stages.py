"""The two stages of `guide-rag tune`, each a model folder made whole in a temporary folder:

1. general (cached by its inputs under models/general/): the base model trained on human
   questions of several guides, and its abstention judge (trained on train questions, its
   threshold calibrated on dev questions);
2. adapted: the general model trained on self-supervised pairs of the guides being served,
   keeping the general model's judge.

A new or edited guide re-runs only the second stage.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from config.settings import Settings
from evaluation.calibration import MAX_FALSE_ABSTENTION
from ingest.embedder import embedder_of
from retriever.abstention import JUDGE_FILE, read_calibration
from retriever.embedding import ModelFiles
from retriever.errors import ModelLoadError
from tuning.errors import TuneError
from tuning.judge import calibrate, evidence_of, fit_judge, source_of
from tuning.plan import Plan
from tuning.train import fine_tune

GENERAL = "general"


def general_model(settings: Settings, p: Plan, progress: bool) -> ModelFiles:
    """The general model for `p`: made now unless a folder with its digest exists; its judge
    fitted again, alone, when the evidence it weighs has changed since (a judge is cheap to fit,
    a model is not)."""
    folder = settings.paths.models / GENERAL / p.general_digest[:16]
    if not (folder / "config.json").is_file():
        if not p.general.pairs:
            raise TuneError(
                f"no training pairs: none of the train questions in {settings.paths.eval} has a "
                "fact in the guides; add train questions (see corpus/eval/README.md)"
            )
        with _building(folder) as tmp:
            fine_tune(p.base, p.general.pairs, p.recipe, tmp, progress)
            _fit_judge(settings, p, folder, tmp)
    elif not _judged(folder):
        _fit_judge(settings, p, folder, folder)
    return ModelFiles(str(folder), folder)


def _fit_judge(settings: Settings, p: Plan, folder: Path, at: Path) -> None:
    """The abstention judge of the model at `at` (to live at `folder`), when there are
    out-of-scope questions to train and calibrate it on."""
    if not (any(g.questions.out_of_scope for g in p.train.guides)
            and any(g.questions.out_of_scope for g in p.dev.guides)):  # fmt: skip
        return
    # ONNX runs it several times faster than torch; named for where it will live.
    embedder = embedder_of(settings, ModelFiles(str(folder), at))
    train = evidence_of(embedder, p.train, settings.retrieval.retriever)
    judge = fit_judge(train.ins, train.outs)
    calibration = calibrate(
        judge, evidence_of(embedder, p.dev, settings.retrieval.retriever),
        source_of(p.train, p.dev, folder),
    )  # fmt: skip
    tmp = at / f".{JUDGE_FILE}.tmp"
    tmp.write_text(json.dumps(calibration.to_dict(), indent=2), "utf-8")
    os.replace(tmp, at / JUDGE_FILE)


def _judged(folder: Path) -> bool:
    """The folder's judge weighs the evidence this guide-rag reads and was calibrated to the
    false-abstention budget it calibrates to. A folder without one is not judged: a judge file
    lost since is fitted again (`_fit_judge` writes none where there is nothing to fit on)."""
    try:
        calibration = read_calibration(folder)
    except ModelLoadError:
        return False
    return calibration is not None and calibration.fitted.get("budget") == MAX_FALSE_ABSTENTION


def adapted_model(p: Plan, general: ModelFiles, out: Path, progress: bool) -> None:
    """The general model adapted to the corpus, written whole to `out` (with the judge); the
    general model itself when every guide served has human questions (nothing to adapt to)."""
    if p.adapt:
        fine_tune(general, p.adapt, p.adapt_recipe, out, progress)
        shutil.rmtree(out / ".trainer", ignore_errors=True)
    else:
        shutil.copytree(general.path, out, ignore=shutil.ignore_patterns(".*"))
    if (general.path / JUDGE_FILE).is_file():
        shutil.copy(general.path / JUDGE_FILE, out / JUDGE_FILE)


class _building:
    """A model folder made in a temporary sibling and renamed into place when whole."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.tmp = Path()

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-", dir=self.target.parent))
        return self.tmp

    def __exit__(self, kind: object, value: object, trace: object) -> None:
        shutil.rmtree(self.tmp / ".trainer", ignore_errors=True)
        if kind is None:
            swap(self.tmp, self.target)
        shutil.rmtree(self.tmp, ignore_errors=True)


def swap(new: Path, target: Path) -> None:
    """Replace `target` by the complete folder `new`. A crash in between leaves the old model or
    no model (the next tune makes it again), never a half-written one."""
    old = target.with_name(f".{target.name}-old-{uuid.uuid4().hex[:6]}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
