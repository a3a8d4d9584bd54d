"""Ingest against its floor, in one run on one machine.

    .venv/bin/python bench/ingest.py [--guides 100] [--out result.json]

1. A generated corpus: `--guides` guides, each a title and 6 to 12 sections drawn (seeded) from
   the public guides in corpus/eval/guides/, so every guide is different prose of real shape.
2. `guide-rag ingest` of that corpus into a fresh index, the real command in its own process:
   the whole command's wall time and the texts it embedded.
3. The floor: the same model on ONNX Runtime, in-process, encoding the same texts sorted by
   length, in batches, on every core; timed after a warm-up.
4. Texts per second of the command over the floor's. Target (issue 19): >= 0.8.
5. What chose the threads and the batch: the floor's texts per second on a sample of the texts
   with 1 and all intra-op threads, two one-thread sessions side by side, and batches of 8, 16, 32
   and 64.

Prints one JSON object, then a table. Exits 1 with one line on stderr if anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchkit import ROOT, BenchError, environment, publish

from tests.helpers import CLI

GUIDES = ROOT / "corpus" / "eval" / "guides"


def sections_of(text: str) -> list[str]:
    """A guide's `## ` sections (each with what is under it), its front matter left out."""
    parts: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            parts.append(line)
        elif parts:
            parts[-1] += "\n" + line
    return [p for p in parts if len(p.split()) >= 40]


def generate(out: Path, guides: int, seed: int = 19) -> int:
    """`guides` markdown guides in `out`; their words."""
    pool = [s for path in sorted(GUIDES.glob("*/*.md")) for s in sections_of(path.read_text())]
    if len(pool) < 12:
        raise BenchError(f"too few sections under {GUIDES} to generate guides from")
    rng = random.Random(seed)
    out.mkdir(parents=True)
    words = 0
    for n in range(guides):
        body = "\n\n".join(rng.sample(pool, rng.randint(6, 12)))
        text = f"# Generated guide {n}\n\nGuide {n} of a generated corpus.\n\n{body}\n"
        (out / f"guide-{n:03d}.md").write_text(text)
        words += len(text.split())
    return words


def ingest(corpus: Path, index_dir: Path) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "ingest", str(corpus), "--index-dir", str(index_dir), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "GUIDE_RAG_CORPUS_DIR": str(corpus)},
    )  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"ingest failed: {done.stderr.strip()}")
    return json.loads(done.stdout), wall


def rate(encode: Any, texts: Sequence[str]) -> float:
    """Texts per second of `encode(texts)`, after a warm-up on a few of them."""
    encode(list(texts[:64]))
    started = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - started)


def side_by_side(embedders: Sequence[Any]) -> Any:
    """Encode with one-thread sessions in parallel, each taking every n-th text."""

    def encode(texts: Sequence[str]) -> None:
        with ThreadPoolExecutor(len(embedders)) as pool:
            parts = [texts[i :: len(embedders)] for i in range(len(embedders))]
            list(pool.map(lambda e_t: e_t[0].encode(e_t[1]), zip(embedders, parts, strict=True)))

    return encode


def run(guides: int, sample: int) -> dict[str, Any]:
    from config.settings import load
    from ingest.embedder import embedder_for
    from ingest.vectors import texts_to_embed
    from retriever.embedding.onnx_backend import OnnxEmbedder
    from retriever.index import load_index

    settings = load()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="guide-rag-bench-ingest-") as tmp:
        corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        words = generate(corpus, guides)
        report, wall = ingest(corpus, index_dir)
        build = load_index(index_dir)
        texts = texts_to_embed(build.chunks)
    if len(texts) != report["embedded"]:
        raise BenchError(f"ingest embedded {report['embedded']} texts; the build has {len(texts)}")
    embedder = embedder_for(settings)
    same = getattr(embedder, "fingerprint", None) == build.manifest.model.fingerprint
    if not isinstance(embedder, OnnxEmbedder) or not same:
        raise BenchError("the floor must run the model the index was built with, on ONNX")
    floor = rate(embedder.encode, texts)
    picked = texts[:: max(1, len(texts) // sample)][:sample]
    model = embedder.model
    choices = {
        f"{threads} thread(s), batch {b}": rate(OnnxEmbedder(model, threads, b).encode, picked)
        for threads in sorted({1, cores})
        for b in (8, 16, 32, 64)
    }
    if cores > 1:
        pair = [OnnxEmbedder(model, 1, 32) for _ in range(cores)]
        choices[f"{cores} one-thread sessions side by side, batch 32"] = rate(
            side_by_side(pair), picked
        )
    command_rate = report["embedded"] / wall
    return {
        **environment(),
        "guides": guides,
        "words": words,
        "chunks": report["chunks"],
        "texts_embedded": report["embedded"],
        "ingest_command_seconds": round(wall, 1),
        "ingest_reported_seconds": report["seconds"],
        "ingest_texts_per_second": round(command_rate, 1),
        "floor_texts_per_second": round(floor, 1),
        "floor_seconds": round(len(texts) / floor, 1),
        "ingest_over_floor": round(command_rate / floor, 2),
        "target_ingest_over_floor": 0.8,
        "served_threads": embedder.threads,
        "served_batch": embedder.batch_size,
        "sample_texts": len(picked),
        "texts_per_second_by_choice": {k: round(v, 1) for k, v in choices.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=100, help="guides in the generated corpus")
    parser.add_argument("--sample", type=int, default=2000, help="texts for the choice table")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    try:
        result = run(args.guides, args.sample)
    except BenchError as exc:
        print(f"bench/ingest.py: {exc}", file=sys.stderr)
        return 1
    flat = {k: v for k, v in result.items() if k != "texts_per_second_by_choice"}
    shown = {**flat, **result["texts_per_second_by_choice"]}
    publish(result, args.out, "Ingest against its floor", shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
