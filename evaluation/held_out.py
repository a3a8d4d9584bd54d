"""`guide-rag eval --guides`: the eval guides indexed beside the shipped guide, as a user would
add them, measured guide by guide and pooled by split, for each model and retriever given."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from evaluation.evalset import EvalSet, Split, load_eval_set
from evaluation.guides import EvalGuide, corpus_of, load_guides
from evaluation.metrics import Advance, Metrics, evaluate_qa
from evaluation.models import calibrated_qa
from ingest.build import run_ingest
from retriever.embedding import Embedder
from retriever.index import load_index
from retriever.limits import Mode

SHIPPED = "ai-vs-ml-engineering-career-guide"
MODES: tuple[Mode, ...] = ("dense", "hybrid")


@dataclass(frozen=True, slots=True, kw_only=True)
class GuideRow:
    model: str  # e.g. "base", "adapted"
    retriever: Mode
    guide: str  # a guide id, "dev guides", "test guides" (pooled), or the shipped guide
    split: str  # the guide's split (the shipped guide: the split of its questions)
    metrics: Metrics

    def to_dict(self) -> dict[str, object]:
        return {"model": self.model, "retriever": self.retriever, "guide": self.guide,
                "split": self.split, "metrics": self.metrics.to_dict()}  # fmt: skip


def corpus(settings: Settings, folder: Path) -> tuple[Path, list[EvalGuide]]:
    """The shipped guides and the dev and test eval guides, in one corpus folder."""
    guides = load_guides(settings.paths.eval, ("dev", "test"))
    shipped = sorted(p for p in settings.paths.corpus.iterdir() if p.is_file())
    return corpus_of(guides, folder, *shipped), guides


def evaluate_guides(
    settings: Settings,
    models: Mapping[str, Embedder],
    folder: Path,
    guides: Sequence[EvalGuide],
    modes: Sequence[Mode] = MODES,
    advance: Advance | None = None,
) -> list[GuideRow]:
    """Every model (each indexing the corpus `folder` itself) and retriever, on each guide's
    questions and pooled by split, then on the shipped guide's dev and test splits."""
    shipped = load_eval_set(settings.paths.eval)
    sets: list[tuple[str, str, EvalSet]] = [(g.id, g.split, g.questions()) for g in guides]
    for split in ("dev", "test"):
        of_split = [s for _, sp, s in sets if sp == split]
        if of_split:
            pooled = EvalSet(tuple(q for s in of_split for q in s.questions),
                             tuple(o for s in of_split for o in s.out_of_scope))  # fmt: skip
            sets.append((f"{split} guides", split, pooled))
    shipped_splits: tuple[Split, ...] = ("dev", "test")
    for split_ in shipped_splits:
        sets.append((SHIPPED, split_, shipped.split(split_).of(SHIPPED, prefix=f"{SHIPPED}/")))
    rows: list[GuideRow] = []
    with tempfile.TemporaryDirectory(prefix="guide-rag-guides-") as tmp:
        for label, embedder in models.items():
            index = settings.override(corpus_dir=folder, index_dir=Path(tmp) / label)
            run_ingest(index, embedder=embedder)
            build = load_index(index.paths.index)
            for mode in modes:
                qa = calibrated_qa(build, embedder, mode)
                for name, split, questions in sets:
                    metrics = evaluate_qa(qa, questions, advance)
                    rows.append(GuideRow(model=label, retriever=mode, guide=name, split=split,
                                         metrics=metrics))  # fmt: skip
    return rows


def write_guides_report(rows: Sequence[GuideRow], out_dir: Path) -> list[Path]:
    """reports/eval-guides.json and .md: one table per split."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / "eval-guides"
    base.with_suffix(".json").write_text(
        json.dumps([r.to_dict() for r in rows], indent=2), encoding="utf-8"
    )
    columns = ("hit@1", "fact@3", "chars@3", "answer_facts", "citation_precision",
               "oos_abstained", "false_abstention")  # fmt: skip
    lines = ["# Held-out guides", ""]
    for split in ("dev", "test"):
        lines += [f"## {split}", "", "| guide | model | retriever | " + " | ".join(columns) + " |",
                  "|---|---|---|" + "---:|" * len(columns)]  # fmt: skip
        for r in rows:
            if r.split == split:
                cells = [f"{r.metrics[c]:.0f}" if c == "chars@3" else f"{r.metrics[c]:.3f}"
                         for c in columns]  # fmt: skip
                lines.append(
                    f"| {r.guide} | {r.model} | {r.retriever} | " + " | ".join(cells) + " |"
                )
        lines.append("")
    base.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    return [base.with_suffix(".json"), base.with_suffix(".md")]
