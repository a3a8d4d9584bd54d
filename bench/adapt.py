"""How long `guide-rag tune` takes: adapting to one new guide of about 5,000 words dropped in
beside the shipped one (the general stage cached, as on any machine that has tuned once), a
second run with nothing changed, and a full tune from scratch (nothing cached).

    .venv/bin/python bench/adapt.py [--guide turing-way-inclusive-event-planning]
                                    [--skip-scratch] [--out result.json]

Each is the real CLI (`guide-rag tune --json`) in its own process, timed from start to exit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import CLI, ROOT, BenchError, environment, publish

from evaluation.guides import load_guides

EVAL_DIR = ROOT / "corpus" / "eval"


def tune(env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run([*CLI, "tune", "--json"], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"tune failed: {done.stderr.strip()[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return round(seconds, 1), report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guide", default="turing-way-inclusive-event-planning")
    parser.add_argument("--skip-scratch", action="store_true", help="no tune from nothing")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    (guide,) = [g for g in load_guides(EVAL_DIR, ("dev", "test", "train")) if g.id == args.guide]
    words = len(guide.path.read_text(encoding="utf-8", errors="replace").split())
    result: dict[str, Any] = {**environment(), "guide": guide.id, "guide_words": words}
    with tempfile.TemporaryDirectory(prefix="guide-rag-adapt-") as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus"
        corpus.mkdir()
        for shipped in (ROOT / "corpus").iterdir():
            if shipped.is_file():
                shutil.copy(shipped, corpus / shipped.name)
        shutil.copy(guide.path, corpus / f"{guide.id}{guide.path.suffix}")
        env = {"GUIDE_RAG_HOME": str(folder / "home"), "GUIDE_RAG_CORPUS_DIR": str(corpus),
               "GUIDE_RAG_EVAL_DIR": str(EVAL_DIR), "GUIDE_RAG_MODELS_DIR": str(ROOT / "models"),
               "GUIDE_RAG_TUNED_DIR": str(folder / "tuned")}  # fmt: skip
        # The general stage as `make run` leaves it (cached under models/general/).
        tune({**env, "GUIDE_RAG_CORPUS_DIR": str(ROOT / "corpus"),
              "GUIDE_RAG_TUNED_DIR": str(folder / "warm")})  # fmt: skip
        seconds, report = tune(env)
        result["adapt_one_guide_s"] = seconds
        result["adapt_pairs"] = report["card"]["adapt_pairs"]
        seconds, report = tune(env)
        result["unchanged_s"] = seconds
        result["unchanged_up_to_date"] = report["up_to_date"]
        if not args.skip_scratch:
            scratch = {**env, "GUIDE_RAG_CORPUS_DIR": str(ROOT / "corpus"),
                       "GUIDE_RAG_MODELS_DIR": str(folder / "models"),
                       "GUIDE_RAG_TUNED_DIR": str(folder / "scratch")}  # fmt: skip
            seconds, report = tune(scratch)
            result["from_scratch_s"] = seconds
            result["general_pairs"] = report["card"]["general_pairs"]
    publish(result, args.out, "guide-rag tune: adapting to a new guide, and from scratch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
