"""`guide-rag`: ingest, ask, search, serve. Domain errors become one line on stderr and exit 1."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.pipeline import IngestReport
from ingest.pipeline import Progress as IngestProgress
from retriever.errors import GuideRagError
from retriever.evaluate import COLUMNS
from retriever.pipeline import Pipeline
from retriever.settings import Settings

app = typer.Typer(
    help="Cited answers from the AI vs ML engineering career guide.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_PARTIAL = 3  # ingest published, but skipped unreadable guides

IndexDir = Annotated[
    Path | None, typer.Option("--index-dir", help="Index directory (env GUIDE_RAG_INDEX_DIR).")
]
Model = Annotated[
    str | None,
    typer.Option("--model", help="sentence-transformers name or path (GUIDE_RAG_MODEL)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]


@contextmanager
def _domain_errors() -> Iterator[None]:
    try:
        yield
    except GuideRagError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted; the published index is unchanged", markup=False)
        raise typer.Exit(130) from None


def _settings(**overrides: Any) -> Settings:
    with _domain_errors():
        try:
            return Settings(**{k: v for k, v in overrides.items() if v is not None})
        except ValueError as exc:  # pydantic's ValidationError: a bad GUIDE_RAG_* value
            raise _SettingsError(exc) from exc


class _SettingsError(GuideRagError):
    def __init__(self, exc: ValueError) -> None:
        errors = getattr(exc, "errors", lambda: [])()
        what = "; ".join(
            f"{'.'.join(map(str, e['loc']))}={e.get('input')!r}: {e['msg']}" for e in errors
        )
        super().__init__(
            f"invalid setting {what or exc}: fix the option or its GUIDE_RAG_* variable"
        )


class _BarProgress(IngestProgress):
    def __init__(self, bar: Progress) -> None:
        self.bar = bar

    def embedding(self, total: int) -> Callable[[int], None]:
        task = self.bar.add_task("embedding", total=total)
        return lambda done: self.bar.advance(task, done)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Guide files or folders (default: the corpus dir).")
    ] = None,
    index_dir: IndexDir = None,
    model: Model = None,
    strict: Annotated[
        bool, typer.Option(help="Fail on any unreadable guide, leaving the index untouched.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Say what would be added, changed and removed; write nothing.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Read the guides, embed what changed, and publish a new index atomically.

    Exit codes: 0 done, 3 done but some guides were skipped (see the warnings), 1 failed.
    """
    from ingest.pipeline import run_ingest

    settings = _settings(index_dir=index_dir, model=model)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json,
    )
    with _domain_errors(), bar:
        report = run_ingest(
            settings, paths, progress=_BarProgress(bar), strict=strict, dry_run=dry_run
        )
    for skipped in report.skipped:
        err.print(f"warning: skipped {skipped.reason}", markup=False)
    if as_json:
        print(json.dumps(_report_json(report)))
    else:
        _print_report(report)
    if report.skipped:
        raise typer.Exit(EXIT_PARTIAL)


def _report_json(r: IngestReport) -> dict[str, Any]:
    return {
        "documents": r.documents,
        "sections": r.sections,
        "chunks": r.chunks,
        "added": r.added,
        "unchanged": r.unchanged,
        "removed": r.removed,
        "embedded": r.embedded,
        "seconds": round(r.seconds, 3),
        "up_to_date": r.up_to_date,
        "build_id": r.build_id,
        "index_dir": str(r.index_dir),
        "skipped": [str(s.path) for s in r.skipped],
        "dry_run": r.dry_run,
        "changes": [dataclasses.asdict(c) for c in r.changes],
    }


def _print_report(r: IngestReport) -> None:
    if r.dry_run:
        out.print(f"[bold]dry run[/bold]: nothing written to {r.index_dir}")
        for c in r.changes:
            out.print(f"  {c.document}: would add {c.added}, keep {c.unchanged}, "
                      f"remove {c.removed}", highlight=False)  # fmt: skip
        return
    state = "up to date" if r.up_to_date else f"published build {r.build_id}"
    out.print(f"[bold]{state}[/bold] in {r.index_dir}")
    out.print(
        f"  documents {r.documents}   sections {r.sections}   chunks {r.chunks}\n"
        f"  added {r.added}   unchanged {r.unchanged}   removed {r.removed}   "
        f"embedded {r.embedded}\n  seconds {r.seconds:.2f}",
        highlight=False,
    )


def _pipeline(settings: Settings) -> Pipeline:
    with _domain_errors():
        return Pipeline.load(settings)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=20)] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question from the guide, with numbered sources."""
    pipeline = _pipeline(_settings(index_dir=index_dir, model=model))
    with _domain_errors():
        answer = pipeline.ask(question, top_k)
    if as_json:
        payload = {
            "answer": answer.text,
            "abstained": answer.abstained,
            "citations": [dataclasses.asdict(c) for c in answer.citations],
        }
        print(json.dumps(payload, ensure_ascii=False))
        return
    out.print(answer.text, markup=False, highlight=False)
    if answer.citations:
        out.print("\nSources:", style="bold")
    for c in answer.citations:
        out.print(
            f"  [{c.n}] {c.section} ({c.document}, chunk {c.chunk_id}, score {c.score:.3f})",
            markup=False,
            highlight=False,
        )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", min=1, max=20)] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """The passages closest to the query, best first."""
    pipeline = _pipeline(_settings(index_dir=index_dir, model=model))
    with _domain_errors():
        hits = pipeline.search(query, k)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "rank": h.rank,
                        "document": h.chunk.document_id,
                        "section": h.chunk.section,
                        "chunk_id": h.chunk.id,
                        "score": h.score,
                        "text": h.chunk.text,
                    }
                    for h in hits
                ],
                ensure_ascii=False,
            )
        )
        return
    for h in hits:
        out.print(
            f"{h.rank}. [{h.score:.3f}] {h.chunk.section} — {h.chunk.id}",
            style="bold",
            markup=False,
            highlight=False,
        )
        out.print(f"   {h.chunk.text}\n", markup=False, highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (GUIDE_RAG_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GUIDE_RAG_PORT).")] = None,
    index_dir: IndexDir = None,
) -> None:
    """Serve the HTTP API with uvicorn (loads the model and index once, at start-up)."""
    import uvicorn

    from api.app import create_app
    from retriever.index import current_build

    settings = _settings(host=host, port=port, index_dir=index_dir)
    with _domain_errors():
        current_build(settings.index_dir)  # fail here, in one line, rather than serve nothing
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    access = logging.getLogger("guide_rag.access")  # one bare JSON object per line
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=False,  # the app logs one JSON line per request instead
        timeout_graceful_shutdown=30,  # SIGTERM: stop accepting, finish what is in flight
    )


class SplitName(StrEnum):
    dev = "dev"
    test = "test"
    all = "all"


@app.command("eval")
def evaluate(
    split: Annotated[SplitName, typer.Option(help="Which questions to run.")] = SplitName.test,
    ablation: Annotated[
        bool, typer.Option(help="Rows = the final pipeline with one part off at a time.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Where the report files go.")] = Path("reports"),
    eval_dir: Annotated[
        Path | None, typer.Option(help="Test set folder (default: <corpus dir>/eval).")
    ] = None,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Measure each retriever on the project's test set; write reports/eval-<split>.*"""
    import torch

    from retriever.evalset import load_eval_set
    from retriever.evaluate import ABLATION, CONFIGS, run_eval, write_reports

    torch.set_num_threads(1)  # as the server runs: steady per-query latency on 2 cores
    settings = _settings(index_dir=index_dir, model=model)
    pipeline = _pipeline(settings)
    with _domain_errors():
        evalset = load_eval_set(eval_dir or settings.corpus_dir / "eval")
    configs = ABLATION if ablation else CONFIGS
    rows = run_eval(pipeline, evalset, split.value, configs)
    data = evalset.split(split.value)
    meta = {
        "ablation": ablation,
        "questions": len(data.questions),
        "out_of_scope": len(data.out_of_scope),
        "model": pipeline.build.manifest.model,
        "build_id": pipeline.build.manifest.build_id,
        "min_score": pipeline.min_score,
        "calibration": pipeline.build.manifest.calibration,
    }
    name = f"{split.value}-ablation" if ablation else split.value
    paths = write_reports(rows, name, out, meta)
    if as_json:
        print(
            json.dumps(
                {**meta, "split": split.value, "rows": [dataclasses.asdict(r) for r in rows]}
            )
        )
        return
    table = Table(
        title=f"guide-rag eval — {split.value} split "
        f"({meta['questions']} questions, {meta['out_of_scope']} out of scope)"
    )
    table.add_column("config")
    for column, _ in COLUMNS:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(row.config, *(fmt.format(row.metrics[c]) for c, fmt in COLUMNS))
    out_console = Console(width=200)
    out_console.print(table)
    out_console.print(
        f"abstain below {pipeline.min_score:.3f}; wrote " + ", ".join(map(str, paths))
    )


def main() -> None:
    app()


def eval_main() -> None:
    solo = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    solo.command()(evaluate)
    solo(prog_name="python -m retriever.evaluate")


def ingest_main() -> None:
    solo = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    solo.command()(ingest)  # a one-command app runs it directly: `python -m ingest PATHS`
    solo(prog_name="python -m ingest")
