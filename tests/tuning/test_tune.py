"""`guide-rag tune`: the served model is the tuned one, describes itself, and is not retrained
for nothing; training is seeded. (`make test` runs `guide-rag tune` before pytest.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ingest.embedder import model_name
from retriever.abstention import read_calibration
from retriever.embedding import ModelFiles
from tests.helpers import CLI, GUIDE, ROOT, real_settings_for
from tuning.card import read_card
from tuning.plan import plan
from tuning.train import Recipe, fine_tune

pytestmark = pytest.mark.model


def test_the_served_model_is_the_tuned_one_and_describes_itself() -> None:
    settings = real_settings_for(Path("/nonexistent"))
    assert Path(model_name(settings)) == settings.tuned_dir
    card = read_card(settings.tuned_dir)
    assert card is not None, "run `guide-rag tune` (make test does)"
    assert card.inputs == plan(settings).digest  # adapted to today's guides and questions
    assert card.base_model == "all-MiniLM-L6-v2"
    assert card.general_pairs >= card.questions >= 400
    # Every served guide has human questions: nothing is self-supervised (tests/tuning/
    # test_new_guide.py adapts to one that has none).
    assert card.adapt_pairs == 0
    assert card.recipe["seed"] == settings.tune.seed
    assert card.recipe["epochs"] == settings.tune.epochs
    assert card.guides == ["ai-vs-ml-engineering-career-guide"]
    # The judge came with the model: trained on train questions, calibrated on dev ones.
    calibration = read_calibration(settings.tuned_dir)
    assert calibration is not None and calibration.judge is not None
    assert calibration.fitted["dev_false_abstention"] <= 0.02
    assert "guide-rag adaptation" in (settings.tuned_dir / "README.md").read_text(encoding="utf-8")


def test_a_second_tune_is_a_no_op() -> None:
    tuned = real_settings_for(Path("/nonexistent")).tuned_dir
    before = ModelFiles.of(str(tuned)).fingerprint
    result = subprocess.run([*CLI, "tune", "--json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["up_to_date"] is True
    assert ModelFiles.of(str(tuned)).fingerprint == before


def test_pairs_follow_an_edited_guide(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    gone = "Create a RAG system that answers questions about your own documents."
    text = GUIDE.read_text(encoding="utf-8")
    (corpus / GUIDE.name).write_text(text.replace(gone, ""), encoding="utf-8")
    edited = plan(real_settings_for(tmp_path, corpus_dir=corpus))
    before = plan(real_settings_for(tmp_path))
    assert edited.digest != before.digest  # the next tune adapts again
    skipped = edited.general.skipped
    assert skipped and all(any(f in gone for f in q.facts) for q in skipped)


def test_fine_tuning_is_seeded(tmp_path: Path) -> None:
    p = plan(real_settings_for(tmp_path))
    few = p.general.pairs[:24]
    recipe = Recipe(epochs=1, learning_rate=3e-5, batch_size=8, seed=7)
    fingerprints = set()
    for run in ("a", "b"):
        fine_tune(p.base, few, recipe, tmp_path / run, progress=False)
        fingerprints.add(ModelFiles.of(str(tmp_path / run)).fingerprint)
    assert len(fingerprints) == 1
    assert ModelFiles.of(str(tmp_path / "a")).fingerprint != p.base.fingerprint
