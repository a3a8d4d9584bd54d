"""End-to-end latency benchmark: ingest corpus/ into a temp index, serve it, time POST /ask.

    .venv/bin/python bench/latency.py [--requests 100] [--warmup 3] [--out report.json]

Prints one JSON object, then a table. Exits 1 with one line on stderr if anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from benchkit import QUESTIONS, BenchError, print_table, served_corpus


def ask(client: httpx.Client, question: str) -> tuple[float, float]:
    """(client wall ms, server took_ms) for one POST /ask."""
    started = time.perf_counter()
    resp = client.post("/ask", json={"question": question})
    wall_ms = (time.perf_counter() - started) * 1000
    if resp.status_code != 200:
        raise BenchError(f"POST /ask returned {resp.status_code}: {resp.text[:200]}")
    return wall_ms, float(resp.json()["took_ms"])


def question(i: int, repeat: bool) -> str:
    """The i-th question; unique unless `repeat`, so the server's query cache does not hide the
    model's cost."""
    text = QUESTIONS[i % len(QUESTIONS)]
    return text if repeat else f"{text} (#{i})"


def run(requests: int, warmup: int, ready_timeout: float, repeat: bool) -> dict[str, Any]:
    with (
        served_corpus(ready_timeout) as served,
        httpx.Client(base_url=served.base, timeout=30) as client,
    ):
        for i in range(warmup):
            ask(client, question(-1 - i, repeat))
        samples = [ask(client, question(i, repeat)) for i in range(requests)]

    wall = np.array([s[0] for s in samples])
    took = np.array([s[1] for s in samples])
    return {
        "ingest_seconds": served.ingest_seconds,
        "chunks": served.chunks,
        "requests": requests,
        "p50_ms": round(float(np.percentile(wall, 50)), 2),
        "p95_ms": round(float(np.percentile(wall, 95)), 2),
        "p99_ms": round(float(np.percentile(wall, 99)), 2),
        "mean_ms": round(float(wall.mean()), 2),
        "server_took_ms_p50": round(float(np.percentile(took, 50)), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests (default 100)")
    parser.add_argument(
        "--repeat", action="store_true", help="rotate 10 questions (cache hits after the first)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--ready-timeout", type=float, default=120.0, help="seconds to wait")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be >= 1 and --warmup >= 0")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # stderr: one line on failure
    try:
        result = run(args.requests, args.warmup, args.ready_timeout, args.repeat)
        print(json.dumps(result, indent=2))
        print_table(result, "POST /ask latency")
        if args.out is not None:
            args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        message = " ".join(str(exc).split())
        print(f"bench: failed: {type(exc).__name__}: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
