"""Six more guides that no choice was made on: a second report beside the test guides.

The six guides in bench/data/spare-guides/ were found and given blind questions as the eval
guides were (one helper per guide), for a train-split experiment that was not kept
(docs/tuning.md): no question of theirs trains the served recipe, and no rule or weight was
chosen on them. They are indexed beside the shipped guide, as a user would add them,
`guide-rag tune` adapts the model to that corpus (into models/spare-adapted/, from the cached
general stage), and each guide is measured with the served retriever, then all six pooled.

    .venv/bin/python bench/spare_guides.py [--out bench/results/spare-guides.json]

Four test guides are few: 80 off-topic questions move 0.0125 each. Twelve more sets of questions
(six guides) say how far a figure measured on them carries.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchkit import ROOT, environment, print_rows, save

from config.settings import Settings
from evaluation.guides import CATALOGUE, GUIDES_DIR, corpus_of, load_guides
from evaluation.held_out import SHIPPED, evaluate_guides
from ingest.embedder import embedder_for
from retriever.limits import BASE_MODEL
from tuning.tune import run_tune

SPARE = ROOT / "bench" / "data" / "spare-guides"
COLUMNS = ("hit@1", "fact@3", "chars@3", "answer_facts", "citation_precision", "oos_abstained",
           "false_abstention")  # fmt: skip
POOLED = "spare guides"


def _rounded(column: str, value: float) -> float | int:
    return round(value) if column == "chars@3" else round(value, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    if not (SPARE / CATALOGUE).is_file():
        print(f"spare_guides: no {SPARE / CATALOGUE}: restore bench/data/spare-guides/",
              file=sys.stderr)  # fmt: skip
        return 1
    base = Settings().override(eval_dir=ROOT / "corpus" / "eval")
    result: dict[str, Any] = {**environment(), "rows": []}
    with tempfile.TemporaryDirectory(prefix="guide-rag-spare-") as tmp:
        # load_guides reads <eval dir>/guides/guides.jsonl; the spare catalogue sits alone.
        (Path(tmp) / GUIDES_DIR).symlink_to(SPARE, target_is_directory=True)
        # Their catalogue calls them train (what they were written for); reported as test.
        guides = [replace(g, split="test") for g in load_guides(Path(tmp), ("train",))]
        shipped = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_file())
        folder = corpus_of(guides, Path(tmp) / "corpus", *shipped)
        tuned = base.override(corpus_dir=folder, tuned_dir=base.paths.models / "spare-adapted")
        started = time.perf_counter()
        report = run_tune(tuned)
        result["tune_s"] = round(time.perf_counter() - started, 1)
        models = {"base": embedder_for(base, BASE_MODEL),
                  "adapted": embedder_for(base, str(report.model_dir))}  # fmt: skip
        found = evaluate_guides(base, models, folder, guides, modes=(base.retrieval.retriever,))
    names = {"test guides": POOLED, SHIPPED: f"{SHIPPED} (test split, same index)"}
    for r in found:
        if r.split == "test":
            cells = {c: _rounded(c, r.metrics[c]) for c in COLUMNS}
            result["rows"].append({"guide": names.get(r.guide, r.guide), "model": r.model,
                                   "retriever": r.retriever, **cells})  # fmt: skip
    columns = ("guide", "model", *COLUMNS)
    rows = ([row[c] for c in columns] for row in result["rows"])
    title = f"spare guides beside the shipped one ({base.retrieval.retriever})"
    print_rows(title, columns, rows, labels=2, width=200)
    save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
