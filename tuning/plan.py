"""What a tune would train on, worked out without loading a model: the human questions of the
general stage (the shipped guide's train split, the train guides' questions, readers' feedback)
paired with the chunks that hold their facts, and the self-supervised pairs of the guides being
adapted to. Digests say whether each stage's model exists already."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from config.settings import Settings
from evaluation.calibration import MAX_FALSE_ABSTENTION
from evaluation.evalset import Question, load_eval_set
from evaluation.guides import load_guides
from ingest.budgets import budgets_of
from ingest.build import chunk_guides
from ingest.build import load_guides as read_guides
from ingest.discovery import discover
from retriever.embedding import ModelFiles, TokenCounter
from retriever.evidence import FEATURES, VERSION
from retriever.types import Chunk
from tuning.judge import Asked, Questions
from tuning.pairs import Pair, Pairs, training_pairs
from tuning.selfsup import Mix, self_supervised_pairs
from tuning.train import Recipe, native_bf16

FORMAT = 3  # bump when what a tuned folder holds changes: every model is made again
# Chosen on the dev guides and the shipped guide's dev split (docs/tuning.md, the ablation).
SOURCES = Mix(weights={"ict": 1.0})


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    base: ModelFiles
    corpus: tuple[Chunk, ...]  # the guides being adapted to, chunked as ingest chunks them
    general: Pairs  # human questions of every guide that has them
    adapt: tuple[Pair, ...]  # self-supervised pairs of the corpus
    train: Questions  # train questions in and out of scope and their guides: the judge's data
    dev: Questions  # dev questions and their guides: the judge's threshold
    recipe: Recipe
    adapt_recipe: Recipe
    mix: Mix
    general_digest: str
    digest: str  # of everything that goes into the adapted model


def plan(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    extra: Sequence[Question] = (),
    limit: int | None = None,
    mix: Mix = SOURCES,
) -> Plan:
    base = ModelFiles.of(settings.model.base_model)
    count = TokenCounter(base.tokenizer())
    eval_dir = settings.paths.eval
    corpus = _chunks(settings, list(paths or [settings.paths.corpus]), count)
    career = load_eval_set(eval_dir)
    questions = [*career.split("train").questions, *extra]
    t = settings.tune
    if limit is not None:  # a seeded subset: the learning curve's smaller training sets
        questions = random.Random(t.seed).sample(questions, min(limit, len(questions)))
    # The general stage reads the guides its questions are about, not whatever else is served:
    # the shipped guide beside the eval folder (its questions' guide, even when the served
    # corpus is another; the served version when it is served) and the served guides readers
    # asked about (feedback questions).
    known = [*corpus, *_beside(settings, eval_dir.parent, corpus, paths, count)]
    pairs = training_pairs(questions, known)
    asked_about = {p.chunk_id for p in pairs.pairs}
    documents = {c.document_id for c in known if c.id in asked_about}
    shipped = [c for c in known if c.document_id in documents]
    train_guides = [Asked(chunks=tuple(shipped), questions=career.split("train"))]
    for guide in load_guides(eval_dir, ("train",)):
        chunks = _chunks(settings, [guide.path], count, guide.id)
        asked = guide.questions()
        more = training_pairs(asked.questions, chunks)
        pairs = Pairs(pairs.pairs + more.pairs, pairs.skipped + more.skipped)
        train_guides.append(Asked(chunks=tuple(chunks), questions=asked))
    dev_guides = [Asked(chunks=tuple(shipped), questions=career.split("dev"))]
    for guide in load_guides(eval_dir, ("dev",)):
        chunks = _chunks(settings, [guide.path], count, guide.id)
        dev_guides.append(Asked(chunks=tuple(chunks), questions=guide.questions()))
    general = Pairs(tuple(random.Random(t.seed).sample(pairs.pairs, len(pairs.pairs))),
                    pairs.skipped)  # fmt: skip
    bf16 = native_bf16()
    recipe = Recipe(epochs=t.epochs, learning_rate=t.learning_rate, batch_size=t.batch_size,
                    seed=t.seed, bf16=bf16)  # fmt: skip
    adapt_recipe = Recipe(epochs=t.adapt_epochs, learning_rate=t.learning_rate,
                          batch_size=t.batch_size, seed=t.seed, bf16=bf16)  # fmt: skip
    train, dev = Questions(guides=tuple(train_guides)), Questions(guides=tuple(dev_guides))
    general_digest = digest(
        FORMAT, base.fingerprint, [asdict(p) for p in general.pairs], recipe.to_dict(),
        *[[asdict(q) for q in g.questions.questions] + [asdict(o) for o in g.questions.out_of_scope]
          + [c.embed_text for c in g.chunks] for g in (*train.guides, *dev.guides)],
        settings.retrieval.retriever,
    )  # fmt: skip
    # Self-supervision only where no human wrote questions: on the shipped guide, its own
    # sentences as queries pulled the model away from what its 1,068 questions taught (test
    # hit@1 0.924 -> 0.899, answer facts 0.899 -> 0.873; docs/tuning.md).
    unasked = [c for c in corpus if c.document_id not in documents]
    adapt = self_supervised_pairs(unasked, mix)
    return Plan(
        base=base, corpus=tuple(corpus), general=general, adapt=tuple(adapt), train=train, dev=dev,
        recipe=recipe, adapt_recipe=adapt_recipe, mix=mix, general_digest=general_digest,
        # The evidence: a judge refitted to new evidence reaches the served model too.
        digest=digest(general_digest, VERSION, FEATURES, MAX_FALSE_ABSTENTION,
                      [asdict(p) for p in adapt],
                      adapt_recipe.to_dict(), mix.to_dict()),
    )  # fmt: skip


def digest(*parts: object) -> str:
    """sha256 of a JSON rendering: the same inputs give the same key on every machine."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _beside(
    settings: Settings,
    folder: Path,
    corpus: Sequence[Chunk],
    paths: Sequence[Path] | None,
    count: TokenCounter,
) -> list[Chunk]:
    """The guides in `folder` (beside the eval set) that the served corpus does not hold; none
    read when `folder` is what is served (the default: it was chunked once already)."""
    served_paths = {p.resolve() for p in (paths or [settings.paths.corpus])}
    if not folder.is_dir() or folder.resolve() in served_paths:
        return []
    served = {c.document_id for c in corpus}
    return [c for c in _chunks(settings, [folder], count) if c.document_id not in served]


def _chunks(
    settings: Settings, paths: list[Path], count: TokenCounter, doc_id: str | None = None
) -> list[Chunk]:
    found = discover(paths, follow_symlinks=settings.ingest.follow_symlinks)
    budgets = budgets_of(settings)
    docs, _ = read_guides(found, strict=False, budgets=budgets)
    if doc_id is not None:  # an eval guide: its document id is its own, as the eval indexes it
        docs = [replace(d, id=doc_id) for d in docs]
    per_doc = chunk_guides(docs, count, settings.ingest.max_chunk_tokens, budgets)
    return [c for cs in per_doc for c in cs]
