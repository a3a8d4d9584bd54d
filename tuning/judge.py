"""The abstention judge of a model: a logistic regression over the evidence of train questions
in and out of scope (several guides), its threshold calibrated on dev questions (the dev guides
and the shipped guide's dev split). Never a dev or test question trains it; never a train
question calibrates it.

Each guide's questions are asked twice, as users ask them: of an index of that guide alone, and
of one holding every guide of the set. Evidence depends on what the index holds (how rare a word
is, how many passages compete), and abstention must mean the same whichever guides are served.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.calibration import MAX_FALSE_ABSTENTION, fit_threshold
from evaluation.evalset import EvalSet
from ingest.vectors import embedded_build
from retriever.abstention import Abstention, Calibration, Judge
from retriever.embedding import Embedder, Tokens, ref_of
from retriever.embedding.wrapped import Wrapped
from retriever.evidence import FEATURES, Evidence
from retriever.index import FORMAT_VERSION, Manifest
from retriever.limits import Mode
from retriever.qa import QA
from retriever.types import Chunk

C = 1.0  # inverse L2 strength: ten features, hundreds of questions


@dataclass(frozen=True, slots=True, kw_only=True)
class Asked:
    """One guide's questions (in and out of scope) and its chunks, as ingest chunks them."""

    chunks: tuple[Chunk, ...]
    questions: EvalSet


@dataclass(frozen=True, slots=True, kw_only=True)
class Questions:
    """Guides whose questions are asked of each guide alone and of all of them together."""

    guides: tuple[Asked, ...]

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return tuple(c for g in self.guides for c in g.chunks)

    @property
    def count(self) -> int:
        return sum(len(g.questions.questions) + len(g.questions.out_of_scope) for g in self.guides)


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidences:
    """The evidence of questions in and out of scope, and the guide of each in-scope one."""

    ins: tuple[Evidence, ...]
    outs: tuple[Evidence, ...]
    guides: tuple[str, ...]  # parallel to `ins`


def evidence_of(embedder: Embedder, questions: Questions, mode: Mode) -> Evidences:
    """The evidence of every question, asked as /ask asks it, of its guide alone and of all
    the guides together."""
    named = [(g.chunks[0].document_id if g.chunks else str(n), g.questions)
             for n, g in enumerate(questions.guides)]  # fmt: skip
    together = (questions.chunks, tuple(named))
    alone = [(g.chunks, (pair,)) for g, pair in zip(questions.guides, named, strict=True)]
    embedder = _Remembered(embedder)
    # Every question in batches, once: asked one by one (as /ask asks) and of two indexes, they
    # were most of a tune's time (py-spy: 51% in single-question ONNX runs, 35% in chunks).
    embedder.encode_tokens(
        [q.question for g in questions.guides for q in g.questions.questions]
        + [o.question for g in questions.guides for o in g.questions.out_of_scope]
    )
    ins: list[Evidence] = []
    outs: list[Evidence] = []
    guides: list[str] = []
    for chunks, sets in (*alone, together) if len(alone) > 1 else alone:
        qa = _qa(embedder, chunks, mode)
        ins += [qa.judge(q.question) for _, s in sets for q in s.questions]
        outs += [qa.judge(o.question) for _, s in sets for o in s.out_of_scope]
        guides += [name for name, s in sets for _ in s.questions]
    return Evidences(ins=tuple(ins), outs=tuple(outs), guides=tuple(guides))


class _Remembered(Wrapped):
    """An embedder that embeds each text once: a guide's chunks and questions go to the index
    of that guide alone and to the one of all guides together."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__(embedder)
        self._seen: dict[str, np.ndarray] = {}
        self._tokens: dict[str, Tokens] = {}

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            vectors = self.inner.encode(missing, on_batch=on_batch)
            self._seen.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._seen[t] for t in texts])

    def encode_tokens(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[Tokens]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._tokens]
        if missing:
            vectors, tokens = self.inner.encode_tokens(missing, on_batch=on_batch)
            self._seen.update(zip(missing, vectors, strict=True))
            self._tokens.update(zip(missing, tokens, strict=True))
        return self.encode(texts), [self._tokens[t] for t in texts]


def fit_judge(ins: Sequence[Evidence], outs: Sequence[Evidence]) -> Judge:
    from sklearn.linear_model import LogisticRegression

    x = np.array([e.values for e in [*ins, *outs]], dtype=np.float64)
    y = np.array([1] * len(ins) + [0] * len(outs))
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit((x - mean) / scale, y)
    return Judge(
        features=FEATURES,
        mean=tuple(mean.tolist()),
        scale=tuple(scale.tolist()),
        weights=tuple(model.coef_[0].tolist()),
        bias=float(model.intercept_[0]),
    )


def calibrate(judge: Judge, dev: Evidences, source: str) -> Calibration:
    rule = Abstention(0.0, source, judge)
    fit = fit_threshold([rule.score(e) for e in dev.ins], [rule.score(e) for e in dev.outs],
                        MAX_FALSE_ABSTENTION, dev.guides)  # fmt: skip
    return Calibration(
        judge=judge, threshold=round(fit.threshold, 4), source=source,
        fitted={"budget": MAX_FALSE_ABSTENTION,
                "dev_false_abstention": round(fit.false_abstention, 4),
                "dev_worst_guide_false_abstention": round(fit.worst_guide, 4),
                "dev_out_of_scope_abstained": round(fit.abstained, 4),
                "dev_in_scope": len(dev.ins), "dev_out_of_scope": len(dev.outs)},
    )  # fmt: skip


def _qa(embedder: Embedder, chunks: Sequence[Chunk], mode: Mode) -> QA:
    manifest = Manifest(
        format_version=FORMAT_VERSION, build_id="judge", built_at="", model=ref_of(embedder),
        max_chunk_tokens=0, documents=(), chunk_count=len(chunks),
    )  # fmt: skip
    build = embedded_build(manifest, chunks, embedder)
    # No threshold: the judge reads evidence, which does not depend on one.
    return QA.assemble(build, embedder, Abstention(-1.0, "judge"), mode)


def source_of(train: Questions, dev: Questions, folder: Path) -> str:
    guides = {c.document_id for c in dev.chunks}
    return (
        f"judge trained on {train.count} train questions (each asked of its guide alone and of "
        f"all together); threshold on the dev questions of {len(guides)} guides "
        f"({', '.join(sorted(guides))}), with {folder.name}"
    )
