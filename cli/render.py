"""How results look on a terminal (rich) or as one JSON object (--json): one shape each, the
same `to_dict` the HTTP API returns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # the commands import these; rendering only names them
    from evaluation.metrics import Row
    from evaluation.run import EvalReport
    from ingest.bundle import BundleReport
    from ingest.report import IngestReport
    from retriever.types import Answer, Hit
    from tuning.tune import TuneReport

out = Console(soft_wrap=True)


def print_json(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False))


def ingest_report(r: IngestReport) -> None:
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


def answer(a: Answer) -> None:
    out.print(a.text, markup=False, highlight=False)
    if a.read_with:  # a follow-up: what it was read with, as the page shows it
        out.print(
            f"(read with: {' · '.join(a.read_with)})", style="dim", markup=False, highlight=False
        )
    if a.citations:
        out.print("\nSources:", style="bold")
    for c in a.citations:
        out.print(
            f"  [{c.n}] {c.section} ({c.document}, chunk {c.chunk_id}, score {c.score:.3f})",
            markup=False,
            highlight=False,
        )


def hits(found: Sequence[Hit]) -> None:
    for h in found:
        out.print(
            f"{h.rank}. [{h.score:.3f}] {h.chunk.section} — {h.chunk.id}",
            style="bold",
            markup=False,
            highlight=False,
        )
        out.print(f"   {h.chunk.text}\n", markup=False, highlight=False)


def eval_table(title: str, rows: Sequence[Row]) -> None:
    from evaluation.report import COLUMNS, cells

    table = Table(title=title)
    table.add_column("config")
    for column, _ in COLUMNS:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(row.config, *cells(row))
    Console(width=200).print(table)


def eval_report(r: EvalReport) -> None:
    eval_table(
        f"guide-rag eval — {r.split} split ({r.questions} questions, {r.out_of_scope} out of "
        "scope)",
        r.rows,
    )
    if r.followups:
        f = r.followups
        out.print(
            f"follow-ups ({f.conversations} conversations): {f.followups} leaning on the chat, "
            f"answer facts with history {f.with_history:.3f} (alone {f.without_history:.3f}); "
            f"{f.switches} topic switches {f.switches_answered:.3f} (alone "
            f"{f.switches_alone:.3f}); {f.unanswerable} unanswerable, abstained "
            f"{f.unanswerable_abstained:.3f}",
            highlight=False,
        )
    out.print(
        f"abstain below {r.abstention} {r.abstain_below:.3f} ({r.abstention_source}); wrote "
        + ", ".join(map(str, r.files)),
        highlight=False,
    )


def tune_report(r: TuneReport) -> None:
    card = r.card
    state = "up to date" if r.up_to_date else "adapted"
    out.print(f"[bold]{state}[/bold]: {r.model_dir} (from {card.base_model})")
    out.print(
        f"  general: {card.general_pairs} pairs of {card.questions} questions ({card.general})\n"
        f"  adapted to {', '.join(card.guides)}: {card.adapt_pairs} pairs of their own text\n"
        f"  abstention: {card.abstention.get('source', 'none')}\n"
        f"  made in {card.seconds:.0f} s   seconds {r.seconds:.2f}",
        highlight=False,
    )
    for question_id in card.skipped:
        out.print(f"  skipped {question_id}: no chunk holds its facts any more", highlight=False)


def bundle_report(r: BundleReport) -> None:
    m = r.manifest
    out.print(f"[bold]wrote bundle[/bold] {r.path}", highlight=False)
    out.print(
        f"  build {m.build_id}   model {m.model.name}   files {len(m.files)}   "
        f"{m.size / 1e6:.1f} MB",
        highlight=False,
    )
