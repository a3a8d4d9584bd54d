"""`guide-rag eval` as one call: the served QA and its variants (and the base model's rows) on
one split of the eval set, the follow-up conversations, and the report files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from config.settings import Settings
from evaluation.evalset import Split, load_eval_set
from evaluation.followups import FollowupScores, evaluate_followups, load_followups
from evaluation.metrics import Advance, Row, run_eval
from evaluation.models import calibrated_qa, rebuild_with
from evaluation.report import write_reports
from evaluation.variants import ABLATION, BASELINE, CONFIGS
from ingest.embedder import embedder_for
from retriever.embedding import BASE_NAMES
from retriever.limits import BASE_MODEL
from retriever.qa import QA

Start = Callable[[int], Advance]  # told the total, gives the callback to advance by


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalReport:
    split: Split
    ablation: bool
    rows: tuple[Row, ...]
    questions: int
    out_of_scope: int
    model: str
    build_id: str
    abstention: str
    abstain_below: float
    abstention_source: str
    followups: FollowupScores | None
    files: tuple[Path, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split, "ablation": self.ablation, "questions": self.questions,
            "out_of_scope": self.out_of_scope, "model": self.model, "build_id": self.build_id,
            "abstention": self.abstention, "abstain_below": self.abstain_below,
            "abstention_source": self.abstention_source,
            "followups": self.followups.to_dict() if self.followups else None,
            "rows": [r.to_dict() for r in self.rows], "files": [str(f) for f in self.files],
        }  # fmt: skip


def run(
    settings: Settings, qa: QA, split: Split, *, ablation: bool = False, start: Start | None = None
) -> EvalReport:
    """Measure `qa` (the served one) on `split`; without `ablation`, the base model's rows too
    when `qa` serves another model. Writes reports/eval-<split>[-ablation].{json,md,png}."""
    eval_dir = settings.paths.eval
    # Every input is read before any work: a malformed file fails in a second, not minutes in.
    data = load_eval_set(eval_dir).split(split)
    conversations = [c for c in load_followups(eval_dir) if split in (c.split, "all")]
    variants = ABLATION if ablation else CONFIGS
    with_base = not ablation and qa.build.manifest.model.name not in BASE_NAMES
    total = (len(data.questions) + len(data.out_of_scope)) * (
        len(variants) + (len(BASELINE) if with_base else 0)
    )
    advance = start(total) if start else None
    rows = run_eval(qa, data, variants, advance)
    if with_base:
        base = embedder_for(settings, BASE_MODEL)
        base_qa = calibrated_qa(rebuild_with(qa.build, base), base)
        rows = run_eval(base_qa, data, BASELINE, advance) + rows
    followups = evaluate_followups(qa, conversations) if conversations else None
    m = qa.build.manifest
    report = EvalReport(
        split=split, ablation=ablation, rows=tuple(rows), questions=len(data.questions),
        out_of_scope=len(data.out_of_scope), model=m.model.name, build_id=m.build_id,
        abstention=qa.abstention.kind, abstain_below=qa.abstention.threshold,
        abstention_source=qa.abstention.source, followups=followups, files=(),
    )  # fmt: skip
    name = f"{split}-ablation" if ablation else split
    meta = {k: v for k, v in report.to_dict().items() if k not in ("rows", "files", "split")}
    files = write_reports(rows, name, settings.paths.reports, meta)
    return replace(report, files=tuple(files))
