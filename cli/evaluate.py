"""`guide-rag eval`: every variant on one split of the eval set; reports under reports/."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import domain_errors, load_settings, progress_bar
from cli.options import AsJson, EvalDir, IndexDir, Model
from evaluation.settings import EvalSettings


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
    learning_curve: Annotated[
        bool,
        typer.Option(
            help="Instead: train on 0, 100, 200 and all train questions, measure test (minutes)."
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Measure the served model and the base model on the eval set; write reports/eval-<split>.*

    Rows: the base model's retrievers, then the served (tuned) model's; with --ablation, the
    served QA with one part replaced at a time.
    """
    if learning_curve:
        _learning_curve(eval_dir, out, as_json)
        return
    # The measuring stack loads here, not when the CLI starts (`guide-rag serve` never needs it).
    from evaluation.evalset import load_eval_set
    from evaluation.followups import evaluate_followups, load_followups
    from evaluation.metrics import run_eval
    from evaluation.models import calibrated_qa, rebuild_with
    from evaluation.report import write_reports
    from evaluation.variants import ABLATION, BASELINE, CONFIGS
    from retriever.embedding import BASE_MODEL, BASE_NAMES, load_embedder
    from retriever.qa import QA

    settings = load_settings(
        EvalSettings, index_dir=index_dir, model=model, eval_dir=eval_dir, reports_dir=out
    )
    variants = ABLATION if ablation else CONFIGS
    with domain_errors(), progress_bar(quiet=as_json) as bar:
        qa = QA.load(settings)
        data = load_eval_set(settings.eval_dir).split(split.value)
        with_base = not ablation and settings.model not in BASE_NAMES
        per_row = len(data.questions) + len(data.out_of_scope)
        rows_total = len(variants) + (len(BASELINE) if with_base else 0)
        task = bar.add_task("evaluating", total=per_row * rows_total)
        advance = partial(bar.advance, task)
        rows = run_eval(qa, data, variants, advance)
        if with_base:
            base = load_embedder(settings.model_copy(update={"model": BASE_MODEL}))
            base_qa = calibrated_qa(rebuild_with(qa.build, base), base, settings.eval_dir)
            rows = run_eval(base_qa, data, BASELINE, advance) + rows
    conversations = [
        c for c in load_followups(settings.eval_dir) if split.value in (c.split, "all")
    ]
    followups = evaluate_followups(qa, conversations) if conversations else {}
    manifest = qa.build.manifest
    meta = {
        "followups": followups,
        "ablation": ablation,
        "questions": len(data.questions),
        "out_of_scope": len(data.out_of_scope),
        "model": manifest.model,
        "build_id": manifest.build_id,
        "min_score": qa.abstention.min_score,
        "min_scope": qa.abstention.min_scope,
        "min_score_source": qa.abstention.source,
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
    if followups:
        render.out.print(
            f"follow-ups ({followups['conversations']:.0f} conversations, last turn answer facts):"
            f" with history {followups['answer_facts_with_history']:.3f}, without"
            f" {followups['answer_facts_without_history']:.3f}",
            highlight=False,
        )
    render.out.print(
        f"abstain below cosine {qa.abstention.min_score:.3f} or scope "
        f"{qa.abstention.min_scope:.3f} ({qa.abstention.source}); wrote "
        + ", ".join(map(str, paths)),
        highlight=False,
    )


def _learning_curve(eval_dir: Path | None, out: Path | None, as_json: bool) -> None:
    from evaluation.report import write_curve
    from tuning.curve import learning_curve
    from tuning.settings import TuneSettings

    settings = load_settings(TuneSettings, eval_dir=eval_dir, reports_dir=out)
    with domain_errors():
        rows = learning_curve(settings, progress=not as_json)
    paths = write_curve(rows, settings.reports_dir)
    if as_json:
        render.print_json(rows)
        return
    render.out.print(paths[1].read_text(encoding="utf-8"), markup=False, highlight=False)
    render.out.print("wrote " + ", ".join(map(str, paths)), highlight=False)
