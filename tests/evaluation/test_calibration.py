"""Calibration: the threshold fit itself, and which questions a build is calibrated on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config.settings import Settings
from evaluation.calibration import DevSplitCalibrator, Fit, fit_abstention
from ingest.build import run_ingest
from retriever.abstention import Signals
from retriever.embedding import FakeEmbedder
from retriever.index import load_index
from retriever.qa import FALLBACK_MIN_SCORE, FALLBACK_SOURCE
from tests.helpers import EVAL_DIR, FIXTURES, fake_settings_for


def fit_threshold(in_scope: list[float], out_of_scope: list[float]) -> Fit:
    """The cosine threshold alone: a model without a scope classifier."""
    return fit_abstention(
        [Signals(c, 1.0) for c in in_scope], [Signals(c, 1.0) for c in out_of_scope]
    )


def test_threshold_keeps_in_scope_and_splits_the_gap() -> None:
    fitted = fit_threshold([0.6, 0.7, 0.8], [0.1, 0.2, 0.3])
    assert fitted.min_score == pytest.approx(0.45)
    assert (fitted.false_abstention, fitted.abstained) == (0.0, 1.0)


def test_threshold_prefers_in_scope_questions_when_distributions_overlap() -> None:
    fitted = fit_threshold([0.3, 0.6, 0.7, 0.8], [0.1, 0.5])
    assert fitted.false_abstention == 0.0 and fitted.min_score < 0.3
    with pytest.raises(ValueError):
        fit_threshold([], [0.1])


def test_the_shipped_guide_is_calibrated_on_its_dev_split(fake_settings: Settings) -> None:
    run_ingest(fake_settings, embedder=FakeEmbedder(), calibrator=DevSplitCalibrator(EVAL_DIR))
    calibration = load_index(fake_settings.paths.index).manifest.calibration
    assert calibration.source.startswith("fitted on the dev split of")
    assert "81 in scope, 30 out of scope" in calibration.source


def test_explicit_guides_the_eval_set_does_not_cover_are_up_to_date_on_the_second_run(
    tmp_path: Path,
) -> None:
    # The eval set lies around (corpus/eval) but is about another guide: a fallback is recorded,
    # and an unchanged guide is then up to date instead of republished every time.
    settings = fake_settings_for(tmp_path)
    guide = [FIXTURES / "prompt-engineering-guide.md"]
    calibrator = DevSplitCalibrator(EVAL_DIR)
    first = run_ingest(settings, guide, embedder=FakeEmbedder(), calibrator=calibrator)
    again = run_ingest(settings, guide, embedder=FakeEmbedder(), calibrator=calibrator)
    assert again.up_to_date and again.build_id == first.build_id
    calibration = load_index(settings.paths.index).manifest.calibration
    assert (calibration.min_score, calibration.source) == (
        FALLBACK_MIN_SCORE,
        FALLBACK_SOURCE,
    )


def test_several_guides_fall_back_rather_than_use_one_guides_questions(
    fake_settings: Settings, corpus_copy: Path
) -> None:
    shutil.copy(FIXTURES / "prompt-engineering-guide.md", corpus_copy)
    run_ingest(fake_settings, embedder=FakeEmbedder(), calibrator=DevSplitCalibrator(EVAL_DIR))
    calibration = load_index(fake_settings.paths.index).manifest.calibration
    assert calibration.source == FALLBACK_SOURCE


def test_a_changed_eval_set_recalibrates(fake_settings: Settings, tmp_path: Path) -> None:
    eval_dir = tmp_path / "eval"
    shutil.copytree(EVAL_DIR, eval_dir)
    calibrator = DevSplitCalibrator(eval_dir)
    run_ingest(fake_settings, embedder=FakeEmbedder(), calibrator=calibrator)
    assert run_ingest(fake_settings, embedder=FakeEmbedder(), calibrator=calibrator).up_to_date
    with (eval_dir / "out_of_scope.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "o999", "question": "best pizza", "kind": "everyday", "split": "dev"}\n')
    rebuilt = run_ingest(fake_settings, embedder=FakeEmbedder(), calibrator=calibrator)
    assert not rebuilt.up_to_date and rebuilt.embedded == 0  # re-calibrated, nothing re-embedded
