"""The ablation of the self-supervised sources (issue 16), on the dev guides only: the shipped
guide and the dev eval guides in one corpus, adapted with each source alone, with none (the
general model) and with all, then measured with the served retriever. The test guides take no
part: the choice made here is reported on them by `guide-rag eval --guides`.

    .venv/bin/python bench/sources.py [--only ict,title] [--out bench/results/sources.json]

Each row adapts from the cached general stage (models/general/), into models/ablation/<row>/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import ROOT, environment, print_rows, save

from config.settings import Settings
from evaluation.guides import corpus_of, load_guides
from evaluation.held_out import SHIPPED, evaluate_guides
from ingest.embedder import embedder_for
from tuning.selfsup import SOURCES, Mix, Source
from tuning.tune import run_tune

COLUMNS = ("hit@1", "fact@3", "chars@3", "answer_facts", "citation_precision")


def rows() -> dict[str, Mix]:
    found: dict[str, Mix] = {"none (general model)": Mix(weights={})}
    for source in SOURCES:
        found[source] = Mix(weights={source: 1.0})
    everything: dict[Source, float] = {s: 1.0 for s in SOURCES}
    found["all"] = Mix(weights=everything)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated row names (default: every row)")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    base = Settings().override(eval_dir=ROOT / "corpus" / "eval")
    dev = load_guides(base.paths.eval, ("dev",))
    wanted = rows()
    if args.only:
        wanted = {k: v for k, v in wanted.items() if k.split(" ")[0] in args.only.split(",")}
    result: dict[str, Any] = {**environment(), "guides": [g.id for g in dev], "rows": {}}
    with tempfile.TemporaryDirectory(prefix="guide-rag-sources-") as tmp:
        shipped = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_file())
        folder = corpus_of(dev, Path(tmp) / "corpus", *shipped)
        for name, mix in wanted.items():
            slug = name.split(" ")[0]
            settings = base.override(corpus_dir=folder,
                                     tuned_dir=base.paths.models / "ablation" / slug)  # fmt: skip
            started = time.perf_counter()
            report = run_tune(settings, mix=mix)
            seconds = time.perf_counter() - started
            embedder = embedder_for(base, str(report.model_dir))
            found = evaluate_guides(base, {slug: embedder}, folder, dev,
                                    modes=(base.retrieval.retriever,))  # fmt: skip
            by = {(r.guide, r.split): r.metrics for r in found}
            result["rows"][name] = {
                "adapt_pairs": report.card.adapt_pairs,
                "tune_s": round(seconds, 1),
                "dev guides": {c: round(by["dev guides", "dev"][c], 3) for c in COLUMNS},
                f"{SHIPPED} dev": {c: round(by[SHIPPED, "dev"][c], 3) for c in COLUMNS},
            }
            print(name, json.dumps(result["rows"][name]), flush=True)
    print_rows(
        f"self-supervised sources, {base.retrieval.retriever} retrieval",
        ("sources", "pairs", *(f"dev guides {c}" for c in COLUMNS), "career dev hit@1"),
        (
            [
                name,
                row["adapt_pairs"],
                *(row["dev guides"][c] for c in COLUMNS),
                row[f"{SHIPPED} dev"]["hit@1"],
            ]
            for name, row in result["rows"].items()
        ),
    )
    save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
