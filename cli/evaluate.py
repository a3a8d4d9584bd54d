"""`guide-rag eval`: every variant on one split of the eval set; reports under reports/."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import domain_errors, load_settings
from cli.options import AsJson, EvalDir, IndexDir, Model
from evaluation.evalset import load_eval_set
from evaluation.metrics import run_eval
from evaluation.report import write_reports
from evaluation.settings import EvalSettings
from evaluation.variants import ABLATION, CONFIGS
from retriever.qa import QA


class SplitName(StrEnum):
    dev = "dev"
    test = "test"
    all = "all"


def evaluate(
    split: Annotated[SplitName, typer.Option(help="Which questions to run.")] = SplitName.test,
    ablation: Annotated[
        bool, typer.Option(help="Rows = the served QA with one part replaced at a time.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Where the report files go (GUIDE_RAG_REPORTS_DIR).")
    ] = None,
    eval_dir: EvalDir = None,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Measure each retriever on the project's eval set; write reports/eval-<split>.*"""
    settings = load_settings(
        EvalSettings, index_dir=index_dir, model=model, eval_dir=eval_dir, reports_dir=out
    )
    with domain_errors():
        qa = QA.load(settings)
        data = load_eval_set(settings.eval_dir).split(split.value)
    rows = run_eval(qa, data, ABLATION if ablation else CONFIGS)
    manifest = qa.build.manifest
    meta = {
        "ablation": ablation,
        "questions": len(data.questions),
        "out_of_scope": len(data.out_of_scope),
        "model": manifest.model,
        "build_id": manifest.build_id,
        "min_score": qa.threshold.value,
        "min_score_source": qa.threshold.source,
    }
    name = f"{split.value}-ablation" if ablation else split.value
    paths = write_reports(rows, name, settings.reports_dir, meta)
    if as_json:
        render.print_json({**meta, "split": split.value, "rows": [asdict(r) for r in rows]})
        return
    render.eval_table(
        f"guide-rag eval — {split.value} split "
        f"({meta['questions']} questions, {meta['out_of_scope']} out of scope)",
        rows,
    )
    render.out.print(
        f"abstain below {qa.threshold.value:.3f} ({qa.threshold.source}); wrote "
        + ", ".join(map(str, paths)),
        highlight=False,
    )
