"""`guide-rag eval`: measure the served QA on the eval set; `guide-rag eval curve`: the
learning curve (trains models)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import guarded, progress_bar, settings, starter
from cli.options import AsJson, EvalDir, IndexDir

app = typer.Typer(help="Measure retrieval and answers on the eval set.")


class SplitName(StrEnum):
    dev = "dev"
    test = "test"
    all = "all"


Out = Annotated[
    Path | None, typer.Option("--out", help="Where the report files go (GUIDE_RAG_REPORTS_DIR).")
]


@app.callback(invoke_without_command=True)
@guarded
def evaluate(
    ctx: typer.Context,
    split: Annotated[SplitName, typer.Option(help="Which questions to run.")] = SplitName.test,
    ablation: Annotated[
        bool, typer.Option(help="Rows = the served QA with one part replaced at a time.")
    ] = False,
    out: Out = None,
    eval_dir: EvalDir = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Measure the served model and the base model; write reports/eval-<split>.{json,md,png}.

    Rows: the base model's retrievers, then the served model's; with --ablation, the served QA
    with one part replaced at a time.
    """
    if ctx.invoked_subcommand is not None:
        return
    from evaluation.run import run  # the measuring stack loads here, not when the CLI starts
    from retriever.qa import QA

    s = settings(index_dir=index_dir, eval_dir=eval_dir, reports_dir=out)
    with progress_bar(quiet=as_json) as bar:
        qa = QA.load(s.serving())
        report = run(s, qa, split.value, ablation=ablation, start=starter(bar, "evaluating"))
    if as_json:
        render.print_json(report.to_dict())
    else:
        render.eval_report(report)


@app.command("curve")
@guarded
def curve(eval_dir: EvalDir = None, out: Out = None, as_json: AsJson = False) -> None:
    """Train on 0, 100, 200 and all train questions and measure each on test (minutes)."""
    from evaluation.report import write_curve
    from tuning.curve import learning_curve

    s = settings(eval_dir=eval_dir, reports_dir=out)
    points = learning_curve(s, progress=not as_json)
    paths = write_curve(points, s.paths.reports)
    if as_json:
        render.print_json([p.to_dict() for p in points])
        return
    render.out.print(paths[1].read_text(encoding="utf-8"), markup=False, highlight=False)
    render.out.print("wrote " + ", ".join(map(str, paths)), highlight=False)
