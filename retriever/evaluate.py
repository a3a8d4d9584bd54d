"""Retrieval and answer quality on the project's test set, one row per retriever configuration.

`guide-rag eval` / `python -m retriever.evaluate`. IR metrics come from ranx, against
section-level relevance: a retrieved chunk counts as relevant when its section answers the
question.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from retriever.evalset import EvalSet, Split
from retriever.pipeline import Options, Pipeline

IR_METRICS = ["hit_rate@1", "hit_rate@3", "hit_rate@5", "mrr@10", "ndcg@10"]
DEPTH = 10


_PLAIN = Options(expand_query=False, shape_aware=False, section_focus=False)
# The table: each retriever alone, plainly fused, and the pipeline as served.
CONFIGS: dict[str, Options] = {
    "bm25": replace(_PLAIN, mode="bm25"),
    "dense": replace(_PLAIN, mode="dense"),
    "hybrid": _PLAIN,
    "final": Options(),
}
# The ablation: the final pipeline with one part switched off at a time (tune on dev).
ABLATION: dict[str, Options] = {
    "final": Options(),
    "- query expansion": Options(expand_query=False),
    "- convex fusion (RRF)": Options(fusion="rrf"),
    "- section focus": Options(section_focus=False),
    "- shape-aware answers": Options(shape_aware=False),
    "- BM25 (dense only)": Options(mode="dense"),
    "- dense (BM25 only)": Options(mode="bm25"),
}


@dataclass(slots=True)
class Row:
    config: str
    metrics: dict[str, float] = field(default_factory=dict)


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate_pipeline(pipeline: Pipeline, evalset: EvalSet) -> dict[str, float]:
    """All metrics of one pipeline on one split of the test set."""
    from ranx import Qrels, Run, evaluate

    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    fact3, chars3, answer_facts, precision, false_abstain, latency = [], [], [], [], [], []
    for q in evalset.questions:
        started = time.perf_counter()
        hits = pipeline.search(q.question, DEPTH)
        latency.append((time.perf_counter() - started) * 1000)
        relevant = set(q.sections)
        qrels[q.id] = {c.id: 1 for c in pipeline.build.chunks if c.section in relevant}
        run[q.id] = {h.chunk.id: 1.0 / h.rank for h in hits} or {"(none)": 0.0}
        top3 = " ".join(h.chunk.text for h in hits[:3])
        fact3.append(any(f in top3 for f in q.facts))
        chars3.append(sum(len(h.chunk.text) for h in hits[:3]))
        answer = pipeline.ask(q.question)
        false_abstain.append(answer.abstained)
        answer_facts.append(not answer.abstained and any(f in answer.text for f in q.facts))
        if answer.citations:
            cited = [c.section in relevant for c in answer.citations]
            precision.append(sum(cited) / len(cited))
    abstained = [pipeline.ask(o.question).abstained for o in evalset.out_of_scope]
    scores = evaluate(Qrels(qrels), Run(run), IR_METRICS, make_comparable=True)
    return {
        **{name.replace("hit_rate", "hit"): float(scores[name]) for name in IR_METRICS},
        "fact@3": _share(fact3),
        "chars@3": statistics.mean(chars3) if chars3 else 0.0,
        "answer_facts": _share(answer_facts),
        "citation_precision": statistics.mean(precision) if precision else 0.0,
        "oos_abstained": _share(abstained),
        "false_abstention": _share(false_abstain),
        "latency_p50_ms": statistics.median(latency) if latency else 0.0,
    }


def run_eval(
    pipeline: Pipeline, evalset: EvalSet, split: Split, configs: Mapping[str, Options] = CONFIGS
) -> list[Row]:
    data = evalset.split(split)
    for _ in range(3):  # first queries pay for lazy initialisation; keep it out of latency
        pipeline.search("warm up the model", DEPTH)
    return [
        Row(name, evaluate_pipeline(pipeline.with_options(**asdict(options)), data))
        for name, options in configs.items()
    ]


COLUMNS = [
    ("hit@1", "{:.3f}"),
    ("hit@3", "{:.3f}"),
    ("hit@5", "{:.3f}"),
    ("mrr@10", "{:.3f}"),
    ("ndcg@10", "{:.3f}"),
    ("fact@3", "{:.3f}"),
    ("chars@3", "{:.0f}"),
    ("answer_facts", "{:.3f}"),
    ("citation_precision", "{:.3f}"),
    ("oos_abstained", "{:.3f}"),
    ("false_abstention", "{:.3f}"),
    ("latency_p50_ms", "{:.1f}"),
]


def markdown_table(rows: Sequence[Row]) -> str:
    head = "| config | " + " | ".join(c for c, _ in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    body = [
        f"| {r.config} | " + " | ".join(fmt.format(r.metrics[c]) for c, fmt in COLUMNS) + " |"
        for r in rows
    ]
    return "\n".join([head, rule, *body])


def write_reports(
    rows: Sequence[Row], split: str, out_dir: Path, meta: dict[str, Any]
) -> list[Path]:
    """reports/eval-<split>.json, .md and .png (a bar chart of the main metrics)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"eval-{split}"
    payload = {"split": split, **meta, "rows": [asdict(r) for r in rows]}
    base.with_suffix(".json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    base.with_suffix(".md").write_text(
        f"# Retrieval evaluation — {split} split\n\n{markdown_table(rows)}\n", encoding="utf-8"
    )
    _chart(rows, split, base.with_suffix(".png"))
    return [base.with_suffix(s) for s in (".json", ".md", ".png")]


def _chart(rows: Sequence[Row], split: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on servers or CI
    import matplotlib.pyplot as plt

    metrics = [
        "hit@1",
        "hit@3",
        "mrr@10",
        "fact@3",
        "answer_facts",
        "citation_precision",
        "oos_abstained",
    ]
    width = 0.8 / max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for n, row in enumerate(rows):
        xs = [i + n * width for i in range(len(metrics))]
        ax.bar(xs, [row.metrics[m] for m in metrics], width, label=row.config)
    ax.set_xticks([i + width * (len(rows) - 1) / 2 for i in range(len(metrics))], metrics)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"guide-rag retrieval, {split} split")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    from api.cli import eval_main

    eval_main()
