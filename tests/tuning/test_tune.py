"""`guide-rag tune`: the served model is the tuned one, describes itself, and is not retrained
for nothing; training is seeded. (`make test` runs `guide-rag tune` before pytest.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ingest.embedder import model_name
from retriever.embedding import ModelFiles
from tests.helpers import CLI, GUIDE, ROOT, real_settings_for
from tuning.card import read_card
from tuning.train import Recipe, fine_tune
from tuning.tune import plan

pytestmark = pytest.mark.model


def test_the_served_model_is_the_tuned_one_and_describes_itself() -> None:
    settings = real_settings_for(Path("/nonexistent"))
    assert Path(model_name(settings)) == settings.tuned_dir
    card = read_card(settings.tuned_dir)
    assert card is not None, "run `guide-rag tune` (make test does)"
    assert card.inputs == plan(settings).inputs  # tuned on today's guides and train split
    assert card.base_model == "all-MiniLM-L6-v2" and card.pairs >= card.questions >= 400
    assert card.recipe["seed"] == settings.tune.seed
    assert card.recipe["epochs"] == settings.tune.epochs
    assert len(card.train_sha256) == len(card.chunks_sha256) == 64
    assert card.dev_after["hit@1"] > card.dev_before["hit@1"]
    assert (settings.tuned_dir / "scope.json").is_file()
    assert "guide-rag tuning" in (settings.tuned_dir / "README.md").read_text(encoding="utf-8")


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
    assert edited.inputs != plan(real_settings_for(tmp_path)).inputs  # the next tune trains
    skipped = edited.pairs.skipped
    assert skipped and all(any(f in gone for f in q.facts) for q in skipped)


def test_fine_tuning_is_seeded(tmp_path: Path) -> None:
    p = plan(real_settings_for(tmp_path))
    few = p.pairs.pairs[:24]
    recipe = Recipe(epochs=1, learning_rate=3e-5, batch_size=8, seed=7)
    fingerprints = set()
    for run in ("a", "b"):
        fine_tune(p.base, few, recipe, tmp_path / run, progress=False)
        fingerprints.add(ModelFiles.of(str(tmp_path / run)).fingerprint)
    assert len(fingerprints) == 1
    assert ModelFiles.of(str(tmp_path / "a")).fingerprint != p.base.fingerprint
