"""`guide-rag tune`: pairs from the train split against the current guides → fine-tuned model →
scope classifier → dev metrics before and after → a self-describing folder, swapped in whole.

A second run with the same inputs (base model, train split, chunk texts, recipe) is a no-op.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.settings import Settings
from evaluation.calibration import DevSplitCalibrator
from evaluation.evalset import EvalSet, Question, load_eval_set
from evaluation.metrics import evaluate_qa
from evaluation.models import calibrated_qa, rebuild_with
from ingest.budgets import budgets_of
from ingest.build import chunk_guides, load_guides, run_ingest
from ingest.discovery import discover
from ingest.embedder import embedder_for
from retriever.embedding import ModelFiles, TokenCounter
from retriever.embedding.torch_backend import TorchEmbedder
from retriever.index import IndexBuild, load_index
from tuning.card import Card, read_card
from tuning.errors import TuneError
from tuning.pairs import Pairs, digest, training_pairs
from tuning.train import Recipe, fine_tune, fit_scope, native_bf16

CARD_FORMAT = 1  # bump when what a tuned folder holds changes: every model is made again
DEV_METRICS = ["hit@1", "hit@3", "fact@3", "answer_facts", "citation_precision",
               "oos_abstained", "false_abstention"]  # fmt: skip


@dataclass(frozen=True)
class TuneReport:
    model_dir: Path
    up_to_date: bool
    card: Card
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"model_dir": str(self.model_dir), "up_to_date": self.up_to_date,
                "seconds": round(self.seconds, 3), "card": asdict(self.card)}  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """What a tune would train on, and the digest that says whether it already did."""

    base: ModelFiles
    questions: tuple[Question, ...]
    train: EvalSet  # the whole train split (its out-of-scope questions train the scope)
    pairs: Pairs
    recipe: Recipe
    train_sha256: str
    chunks_sha256: str
    inputs: str


def plan(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    extra: Sequence[Question] = (),
    limit: int | None = None,
) -> Plan:
    """Chunk the guides as ingest does and pair the train questions with them (no model load)."""
    base = ModelFiles.of(settings.model.base_model)
    found = discover(
        list(paths or [settings.paths.corpus]), follow_symlinks=settings.ingest.follow_symlinks
    )
    budgets = budgets_of(settings)
    docs, _ = load_guides(found, strict=False, budgets=budgets)
    count = TokenCounter(base.tokenizer())
    per_doc = chunk_guides(docs, count, settings.ingest.max_chunk_tokens, budgets)
    chunks = [c for cs in per_doc for c in cs]
    train = load_eval_set(settings.paths.eval).split("train")
    questions = [*train.questions, *extra]
    t = settings.tune
    if limit is not None:  # a seeded subset: the learning curve's smaller training sets
        questions = random.Random(t.seed).sample(questions, min(limit, len(questions)))
    pairs = training_pairs(questions, chunks)
    recipe = Recipe(t.epochs, t.learning_rate, t.batch_size, t.seed, bf16=native_bf16())
    train_sha = digest([asdict(q) for q in questions], [asdict(o) for o in train.out_of_scope])
    chunks_sha = digest([c.embed_text for c in chunks])
    inputs = digest(CARD_FORMAT, base.fingerprint, train_sha, chunks_sha, recipe.to_dict())
    return Plan(base, tuple(questions), train, pairs, recipe, train_sha, chunks_sha, inputs)


def run_tune(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    extra: Sequence[Question] = (),
    progress: bool = False,
    force: bool = False,
) -> TuneReport:
    started = time.perf_counter()
    p = plan(settings, paths, extra)
    target = settings.tuned_dir
    card = read_card(target)
    up_to_date = card is not None and card.inputs == p.inputs and not force
    if card is None or not up_to_date:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
            build = base_build(settings, paths, Path(tmp) / "index")
            card = train_model(settings, p, build, Path(tmp) / "model", progress, started)
            _swap(Path(tmp) / "model", target)
    # The serving backend's form of the model, made here where torch may run (no-op if made).
    embedder_for(settings, str(target))
    return TuneReport(target, up_to_date, card, time.perf_counter() - started)


def base_build(settings: Settings, paths: Sequence[Path] | None, index_dir: Path) -> IndexBuild:
    """The guides indexed with the base model and calibrated as ingest would: the "before"."""
    # tuning runs torch anyway: no ONNX export of the base model
    ingest = settings.override(index_dir=index_dir, model=settings.model.base_model,
                               backend="torch")  # fmt: skip
    run_ingest(ingest, paths, calibrator=DevSplitCalibrator(settings.paths.eval))
    return load_index(index_dir)


def train_model(
    settings: Settings, p: Plan, build: IndexBuild, out: Path, progress: bool, started: float
) -> Card:
    """Fine-tune into `out`, fit its scope classifier, measure dev before and after, write the
    card. Nothing outside `out` changes."""
    if not p.pairs.pairs:
        raise TuneError(
            f"no training pairs: none of the {len(p.questions)} train questions in "
            f"{settings.paths.eval} has a fact in the guides; add train questions for these guides"
        )
    eval_dir = settings.paths.eval
    base = TorchEmbedder(p.base, threads=settings.model.threads)
    dev = load_eval_set(eval_dir).split("dev")
    before = evaluate_qa(calibrated_qa(build, base, eval_dir), dev)
    tuned = make_model(settings, p, out, str(settings.tuned_dir), progress)
    after = evaluate_qa(calibrated_qa(rebuild_with(build, tuned), tuned, eval_dir), dev)
    card = Card(
        inputs=p.inputs, base_model=p.base.name, base_fingerprint=p.base.fingerprint,
        train_sha256=p.train_sha256, chunks_sha256=p.chunks_sha256, recipe=p.recipe.to_dict(),
        pairs=len(p.pairs.pairs), questions=p.pairs.questions,
        skipped=[q.id for q in p.pairs.skipped], out_of_scope=len(p.train.out_of_scope),
        seconds=round(time.perf_counter() - started, 1),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dev_before={m: round(before[m], 4) for m in DEV_METRICS},
        dev_after={m: round(after[m], 4) for m in DEV_METRICS},
    )  # fmt: skip
    card.write(out)
    return card


def make_model(settings: Settings, p: Plan, out: Path, name: str, progress: bool) -> TorchEmbedder:
    """The fine-tuned model and its scope classifier, in the folder `out`."""
    fine_tune(p.base, p.pairs.pairs, p.recipe, out, progress)
    shutil.rmtree(out / ".trainer", ignore_errors=True)
    model = TorchEmbedder(ModelFiles(name, out), threads=settings.model.threads)
    in_scope = sorted({q.question for q in p.questions})
    fit_scope(model, in_scope, p.train.out_of_scope, p.recipe).save(out)
    return model


def _swap(new: Path, target: Path) -> None:
    """Replace `target` by the complete folder `new`. A crash in between leaves the old model or
    no model (the next tune makes it again), never a half-written one."""
    old = target.with_name(f".{target.name}-old-{uuid.uuid4().hex[:6]}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
