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
from config.settings import Settings

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
    guides: Annotated[
        bool,
        typer.Option(
            "--guides",
            help="Instead: index the eval guides beside the shipped one, adapt a model to them "
            "(minutes the first time), and measure base and adapted, dense and hybrid, per guide.",
        ),
    ] = False,
    out: Out = None,
    eval_dir: EvalDir = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Measure the served model and the base model; write reports/eval-<split>.{json,md,png}.

    Rows: the base model's retrievers, then the served model's; with --ablation, the served QA
    with one part replaced at a time; with --guides, the held-out guides (reports/eval-guides.*).
    """
    if ctx.invoked_subcommand is not None:
        return
    if guides:
        _guides(settings(eval_dir=eval_dir, reports_dir=out), as_json)
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


def _guides(s: Settings, as_json: bool) -> None:
    import tempfile

    from evaluation.held_out import corpus, evaluate_guides, write_guides_report
    from ingest.embedder import embedder_for
    from retriever.limits import BASE_MODEL
    from tuning.tune import run_tune

    s = s.override(eval_dir=s.paths.eval)  # the eval set stays put when the corpus moves
    with tempfile.TemporaryDirectory(prefix="guide-rag-guides-") as tmp:
        folder, held_out = corpus(s, Path(tmp) / "corpus")
        # Adapted as `guide-rag tune` adapts a user's corpus: the guides' own text, no question.
        adapted = run_tune(
            s.override(corpus_dir=folder, tuned_dir=s.paths.models / "eval-adapted"),
            progress=not as_json,
        )
        models = {"base": embedder_for(s, BASE_MODEL),
                  "adapted": embedder_for(s, str(adapted.model_dir))}  # fmt: skip
        with progress_bar(quiet=as_json) as bar:
            rows = evaluate_guides(s, models, folder, held_out,
                                   advance=starter(bar, "evaluating")(0))  # fmt: skip
    paths = write_guides_report(rows, s.paths.reports)
    if as_json:
        render.print_json({"rows": [r.to_dict() for r in rows], "files": [str(p) for p in paths]})
        return
    render.out.print(paths[1].read_text(encoding="utf-8"), markup=False, highlight=False)


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
