"""Retrieval and answer quality of one QA on one split of the eval set.

IR metrics come from ranx, against section-level relevance: a retrieved chunk counts as relevant
when its section answers the question.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from evaluation.evalset import EvalSet
from evaluation.variants import Variant
from retriever.qa import QA

Advance = Callable[[int], None]


def _nothing(done: int) -> None:
    return None


IR_METRICS = ["hit_rate@1", "hit_rate@3", "hit_rate@5", "mrr@10", "ndcg@10"]
DEPTH = 10


@dataclass(slots=True)
class Row:
    config: str
    metrics: dict[str, float] = field(default_factory=dict)


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def _quantile(values: Sequence[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def evaluate_qa(qa: QA, evalset: EvalSet, advance: Advance = _nothing) -> dict[str, float]:
    """All metrics of one QA on one split of the eval set; `advance(1)` after each question."""
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
        relevant = set(q.sections)
        qrels[q.id] = {c.id: 1 for c in qa.build.chunks if c.section in relevant}
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
            cited = [c.section in relevant for c in answer.citations]
            precision.append(sum(cited) / len(cited))
        advance(1)
    abstained = []
    for o in evalset.out_of_scope:
        abstained.append(qa.ask(o.question).abstained)
        advance(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = evaluate(Qrels(qrels), Run(run), IR_METRICS, make_comparable=True)
    return {
        **{name.replace("hit_rate", "hit"): float(scores[name]) for name in IR_METRICS},
        "fact@3": _share(fact3),
        "chars@3": statistics.mean(chars3) if chars3 else 0.0,
        "answer_facts": _share(answer_facts),
        "citation_precision": statistics.mean(precision) if precision else 0.0,
        "oos_abstained": _share(abstained),
        "false_abstention": _share(false_abstain),
        "answer_chars_p50": statistics.median(lengths) if lengths else 0.0,
        "answer_chars_p90": _quantile(lengths, 0.9),
        "latency_p50_ms": statistics.median(latency) if latency else 0.0,
    }


def run_eval(
    qa: QA, evalset: EvalSet, variants: Mapping[str, Variant], advance: Advance = _nothing
) -> list[Row]:
    """One row per variant of `qa`, on `evalset` (already cut to one split)."""
    for _ in range(3):  # first queries pay for lazy initialisation; keep it out of latency
        qa.search("warm up the model", DEPTH)
    return [Row(name, evaluate_qa(make(qa), evalset, advance)) for name, make in variants.items()]
