"""Eval reports: the table's columns, markdown, and reports/eval-<split>.{json,md,png}."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.metrics import Metrics, Row

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
    ("answer_chars_p50", "{:.0f}"),
    ("answer_chars_p90", "{:.0f}"),
    ("latency_p50_ms", "{:.1f}"),
]
_CHARTED = ["hit@1", "hit@3", "mrr@10", "fact@3", "answer_facts", "citation_precision",
            "oos_abstained"]  # fmt: skip


def cells(row: Row) -> list[str]:
    return [fmt.format(row.metrics[c]) for c, fmt in COLUMNS]


def markdown_table(rows: Sequence[Row]) -> str:
    head = "| config | " + " | ".join(c for c, _ in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    body = [f"| {r.config} | " + " | ".join(cells(r)) + " |" for r in rows]
    return "\n".join([head, rule, *body])


def write_reports(
    rows: Sequence[Row], name: str, out_dir: Path, meta: dict[str, Any]
) -> list[Path]:
    """<out_dir>/eval-<name>.json, .md and .png (a bar chart of the main metrics)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"eval-{name}"
    payload = {"split": name, **meta, "rows": [r.to_dict() for r in rows]}
    base.with_suffix(".json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    base.with_suffix(".md").write_text(
        f"# Retrieval evaluation — {name} split\n\n{markdown_table(rows)}\n", encoding="utf-8"
    )
    _chart(rows, name, base.with_suffix(".png"))
    return [base.with_suffix(s) for s in (".json", ".md", ".png")]


def _chart(rows: Sequence[Row], name: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on servers or CI
    import matplotlib.pyplot as plt

    width = 0.8 / max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for n, row in enumerate(rows):
        xs = [i + n * width for i in range(len(_CHARTED))]
        ax.bar(xs, [row.metrics[m] for m in _CHARTED], width, label=row.config)
    ax.set_xticks([i + width * (len(rows) - 1) / 2 for i in range(len(_CHARTED))], _CHARTED)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"guide-rag retrieval, {name} split")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@dataclass(frozen=True, slots=True, kw_only=True)
class CurvePoint:
    """The test split's metrics of a model trained on `questions` train questions."""

    questions: int
    metrics: Metrics

    def to_dict(self) -> dict[str, object]:
        return {"questions": self.questions, "metrics": self.metrics.to_dict()}


CURVE_METRICS = ("hit@1", "fact@3", "answer_facts")


def write_curve(rows: Sequence[CurvePoint], out_dir: Path) -> list[Path]:
    """<out_dir>/learning-curve.json, .md and .png: metrics against train questions seen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / "learning-curve"
    metrics = CURVE_METRICS
    payload = json.dumps([r.to_dict() for r in rows], indent=2)
    base.with_suffix(".json").write_text(payload, encoding="utf-8")
    lines = ["| train questions | " + " | ".join(metrics) + " |", "|---:|" + "---:|" * len(metrics)]
    lines += [
        f"| {r.questions} | " + " | ".join(f"{r.metrics[m]:.3f}" for m in metrics) + " |"
        for r in rows
    ]
    base.with_suffix(".md").write_text(
        "# Learning curve — test split\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for m in metrics:
        ax.plot([r.questions for r in rows], [r.metrics[m] for r in rows], marker="o", label=m)
    ax.set_xlabel("train questions")
    ax.set_ylim(0, 1.02)
    ax.set_title("guide-rag: test split against training questions")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(base.with_suffix(".png"), dpi=110)
    plt.close(fig)
    return [base.with_suffix(s) for s in (".json", ".md", ".png")]
