"""Calibration: the threshold fit itself, and that an index records the model's abstention rule
whatever guides it holds."""

from __future__ import annotations

import shutil

import pytest

from config.settings import Settings
from evaluation.calibration import fit_threshold
from ingest.build import run_ingest
from retriever.abstention import Abstention, Calibration, Judge
from retriever.embedding import FakeEmbedder
from retriever.evidence import FEATURES, VERSION, Evidence
from retriever.index import load_index
from retriever.qa import FALLBACK_MIN_SCORE, FALLBACK_SOURCE
from tests.helpers import FIXTURES

JUDGE = Judge(
    features=FEATURES, mean=(0.0,) * len(FEATURES), scale=(1.0,) * len(FEATURES),
    weights=(4.0, *(0.0,) * (len(FEATURES) - 1)), bias=-1.0,
)  # fmt: skip


class JudgedFake(FakeEmbedder):
    """The fake model with an abstention calibration, as `guide-rag tune` gives a real one."""

    def __init__(self, threshold: float = 0.4) -> None:
        super().__init__()
        self.calibration = Calibration(  # type: ignore[misc]
            judge=JUDGE, threshold=threshold, source="judge of a test",
            fitted={"dev_false_abstention": 0.0},
        )  # fmt: skip


def test_threshold_keeps_in_scope_and_splits_the_gap() -> None:
    fitted = fit_threshold([0.6, 0.7, 0.8], [0.1, 0.2, 0.3], 0.0)
    assert fitted.threshold == pytest.approx(0.45)
    assert (fitted.false_abstention, fitted.abstained) == (0.0, 1.0)


def test_threshold_prefers_in_scope_questions_when_distributions_overlap() -> None:
    fitted = fit_threshold([0.3, 0.6, 0.7, 0.8], [0.1, 0.5], 0.0)
    assert fitted.false_abstention == 0.0 and fitted.threshold < 0.3
    budget = fit_threshold([0.3, 0.6, 0.7, 0.8], [0.1, 0.5], 0.25)  # one in four may abstain
    assert budget.false_abstention == 0.25 and budget.abstained == 1.0
    assert 0.5 < budget.threshold < 0.6
    with pytest.raises(ValueError):
        fit_threshold([], [0.1])


def test_no_guide_pays_for_the_others_false_abstention_budget() -> None:
    # Pooled, a quarter of eight may abstain: both of guide b's lowest, half of that guide.
    ins = [0.3, 0.35, 0.6, 0.7, 0.8, 0.8, 0.9, 0.9]
    guides = ["b", "b", "b", "b", "a", "a", "a", "a"]
    outs = [0.1, 0.32, 0.5]
    pooled = fit_threshold(ins, outs, 0.25)
    assert pooled.false_abstention == 0.25 and pooled.abstained == 1.0
    assert pooled.threshold > 0.35  # half of guide b abstains
    each = fit_threshold(ins, outs, 0.25, guides)  # one of guide b's four may abstain
    assert each.worst_guide == 0.25 and each.false_abstention == 0.125
    assert 0.32 < each.threshold < 0.35 and each.abstained == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="guides"):
        fit_threshold(ins, [0.1], 0.25, guides[1:])


def test_an_index_records_its_models_rule_and_adding_a_guide_keeps_it(
    fake_settings: Settings,
) -> None:
    run_ingest(fake_settings, embedder=JudgedFake())
    alone = load_index(fake_settings.paths.index).manifest.calibration
    assert alone is not None and alone.judge == JUDGE and alone.threshold == 0.4
    shutil.copy(FIXTURES / "prompt-engineering-guide.md", fake_settings.paths.corpus)
    run_ingest(fake_settings, embedder=JudgedFake())
    mixed = load_index(fake_settings.paths.index)
    assert len(mixed.manifest.documents) == 2 and mixed.manifest.calibration == alone


def test_a_model_without_a_judge_falls_back_to_the_measured_cosine(
    fake_settings: Settings,
) -> None:
    run_ingest(fake_settings, embedder=FakeEmbedder())
    assert load_index(fake_settings.paths.index).manifest.calibration is None
    from retriever.qa import abstention_from

    fallback = abstention_from(None)
    assert (fallback.threshold, fallback.source, fallback.kind) == (
        FALLBACK_MIN_SCORE, FALLBACK_SOURCE, "cosine",
    )  # fmt: skip


def test_a_recalibrated_model_republishes_without_re_embedding(fake_settings: Settings) -> None:
    run_ingest(fake_settings, embedder=JudgedFake(0.4))
    assert run_ingest(fake_settings, embedder=JudgedFake(0.4)).up_to_date
    again = run_ingest(fake_settings, embedder=JudgedFake(0.5))
    assert not again.up_to_date and again.embedded == 0
    calibration = load_index(fake_settings.paths.index).manifest.calibration
    assert calibration is not None and calibration.threshold == 0.5


def test_the_judge_weighs_evidence_and_refuses_another_versions_features() -> None:
    low = Evidence((0.1, *(0.0,) * (len(FEATURES) - 1)))
    high = Evidence((0.9, *(0.0,) * (len(FEATURES) - 1)))
    rule = Abstention(0.5, "test", JUDGE)
    assert rule.abstains(low) and not rule.abstains(high)
    raw = Calibration(judge=JUDGE, threshold=0.5, source="s").to_dict()
    assert Calibration.from_dict(raw).judge == JUDGE
    raw["judge"]["features"] = ["cos1"]
    with pytest.raises(ValueError, match="re-run `guide-rag tune`"):
        Calibration.from_dict(raw)
    raw = Calibration(judge=JUDGE, threshold=0.5, source="s").to_dict()
    raw["judge"]["evidence"] = VERSION - 1  # the same names, read another way
    with pytest.raises(ValueError, match=f"version {VERSION - 1}, .* reads version {VERSION}"):
        Calibration.from_dict(raw)
