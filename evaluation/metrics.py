"""Retrieval and answer quality of one QA on one split of the eval set.

IR metrics come from ranx, against section-level relevance: a retrieved chunk counts as relevant
when its section answers the question.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import ClassVar

from evaluation.evalset import EvalSet
from evaluation.variants import Variant
from retriever.qa import QA

Advance = Callable[[int], None]


def _nothing(done: int) -> None:
    return None


IR_METRICS = ["hit_rate@1", "hit_rate@3", "hit_rate@5", "mrr@10", "ndcg@10"]
DEPTH = 10
NO_PASSAGE = "(no passage of its sections)"  # a relevant id no chunk has


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Retrieval and answer quality of one QA on one set of questions."""

    # The name each field has in tables, reports and JSON (one serialization).
    NAMES: ClassVar[dict[str, str]] = {
        "hit1": "hit@1", "hit3": "hit@3", "hit5": "hit@5", "mrr10": "mrr@10",
        "ndcg10": "ndcg@10", "fact3": "fact@3", "chars3": "chars@3",
        "answer_facts": "answer_facts", "citation_precision": "citation_precision",
        "oos_abstained": "oos_abstained", "false_abstention": "false_abstention",
        "answer_chars_p50": "answer_chars_p50", "answer_chars_p90": "answer_chars_p90",
        "latency_p50_ms": "latency_p50_ms",
    }  # fmt: skip

    hit1: float
    hit3: float
    hit5: float
    mrr10: float
    ndcg10: float
    fact3: float  # a fact of the question in the top 3 passages' text
    chars3: float  # characters in those 3 passages
    answer_facts: float  # a fact in the composed answer
    citation_precision: float  # cited passages from a relevant section
    oos_abstained: float  # out-of-scope questions that abstained
    false_abstention: float  # in-scope questions that abstained
    answer_chars_p50: float
    answer_chars_p90: float
    latency_p50_ms: float

    def __getitem__(self, name: str) -> float:
        """A metric by its table name ("hit@1")."""
        value: float = getattr(self, _BY_NAME[name])
        return value

    def to_dict(self) -> dict[str, float]:
        return {self.NAMES[f.name]: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, float]) -> Metrics:
        return cls(**{field: float(raw[name]) for field, name in cls.NAMES.items()})


_BY_NAME = {name: field for field, name in Metrics.NAMES.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    config: str
    metrics: Metrics

    def to_dict(self) -> dict[str, object]:
        return {"config": self.config, "metrics": self.metrics.to_dict()}


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def _quantile(values: Sequence[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def evaluate_qa(qa: QA, evalset: EvalSet, advance: Advance | None = None) -> Metrics:
    """All metrics of one QA on one split of the eval set; `advance(1)` after each question."""
    advance = advance or _nothing
    with warnings.catch_warnings():
        # ranx compiles its metrics with numba, which warns about its own casts: not ours.
        warnings.simplefilter("ignore")
        from ranx import Qrels, Run, evaluate

    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    fact3, chars3, answer_facts, precision, false_abstain, latency = [], [], [], [], [], []
    lengths: list[int] = []
    for q in evalset.questions:
        started = time.perf_counter()
        hits = qa.search(q.question, DEPTH)
        latency.append((time.perf_counter() - started) * 1000)
        # A question no passage answers (its sections are in no guide of the index) counts,
        # as a miss: ranx needs one relevant id, and this one is never retrieved.
        qrels[q.id] = {c.id: 1 for c in qa.build.chunks
                       if q.answers(c.document_id, c.section)} or {NO_PASSAGE: 1}  # fmt: skip
        run[q.id] = {h.chunk.id: 1.0 / h.rank for h in hits} or {"(none)": 0.0}
        top3 = " ".join(h.chunk.text for h in hits[:3])
        fact3.append(any(f in top3 for f in q.facts))
        chars3.append(sum(len(h.chunk.text) for h in hits[:3]))
        answer = qa.ask(q.question)
        false_abstain.append(answer.abstained)
        if not answer.abstained:
            lengths.append(len(answer.text))
        answer_facts.append(not answer.abstained and any(f in answer.text for f in q.facts))
        if answer.citations:
            cited = [q.answers(c.document, c.section) for c in answer.citations]
            precision.append(sum(cited) / len(cited))
        advance(1)
    abstained = []
    for o in evalset.out_of_scope:
        abstained.append(qa.ask(o.question).abstained)
        advance(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = evaluate(Qrels(qrels), Run(run), IR_METRICS, make_comparable=True)
    return Metrics(
        hit1=float(scores["hit_rate@1"]),
        hit3=float(scores["hit_rate@3"]),
        hit5=float(scores["hit_rate@5"]),
        mrr10=float(scores["mrr@10"]),
        ndcg10=float(scores["ndcg@10"]),
        fact3=_share(fact3),
        chars3=statistics.mean(chars3) if chars3 else 0.0,
        answer_facts=_share(answer_facts),
        citation_precision=statistics.mean(precision) if precision else 0.0,
        oos_abstained=_share(abstained),
        false_abstention=_share(false_abstain),
        answer_chars_p50=statistics.median(lengths) if lengths else 0.0,
        answer_chars_p90=_quantile(lengths, 0.9),
        latency_p50_ms=statistics.median(latency) if latency else 0.0,
    )


def run_eval(
    qa: QA, evalset: EvalSet, variants: Mapping[str, Variant], advance: Advance | None = None
) -> list[Row]:
    """One row per variant of `qa`, on `evalset` (already cut to one split)."""
    for _ in range(3):  # first queries pay for lazy initialisation; keep it out of latency
        qa.search("warm up the model", DEPTH)
    return [
        Row(config=name, metrics=evaluate_qa(make(qa), evalset, advance))
        for name, make in variants.items()
    ]
