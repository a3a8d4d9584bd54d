"""Load benchmark: many concurrent POST /ask on loopback against a real uvicorn server.

    .venv/bin/python bench/load.py [--requests 10000] [--concurrency 32] [--unique 0.3]

A share of the questions are unique (a repeated question plus a varying tail), the rest repeat.
Prints one JSON object, then a table: status counts, p50/p95/p99, requests/second, and the
server's RSS before and after. Exits 1 with one line on stderr if the run cannot be made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from benchkit import QUESTIONS, print_table, served_corpus

ROLES = ["a backend developer", "a data analyst", "a student", "a QA engineer", "a designer"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def question(n: int, unique: float, rng: random.Random) -> str:
    base = QUESTIONS[n % len(QUESTIONS)]
    if rng.random() < unique:
        return f"{base} I am {rng.choice(ROLES)} (#{n})."
    return base


async def hammer(base: str, requests: int, concurrency: int, unique: float) -> dict[str, Any]:
    rng = random.Random(7)
    todo = iter(range(requests))
    statuses: Counter[str] = Counter()
    latencies: dict[str, list[float]] = {}

    async def client_loop(client: httpx.AsyncClient) -> None:
        for n in todo:
            started = time.perf_counter()
            try:
                response = await client.post("/ask", json={"question": question(n, unique, rng)})
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.setdefault(status, []).append((time.perf_counter() - started) * 1000)
            statuses[status] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    ok = np.array(latencies.get("200", [float("nan")]))
    result: dict[str, Any] = {
        "requests": requests,
        "concurrency": concurrency,
        "statuses": dict(statuses),
        "errors": requests - statuses["200"],
        "seconds": round(seconds, 2),
        "requests_per_second": round(requests / seconds, 1),
        "p50_ms": round(float(np.percentile(ok, 50)), 1),
        "p95_ms": round(float(np.percentile(ok, 95)), 1),
        "p99_ms": round(float(np.percentile(ok, 99)), 1),
    }
    for status, values in latencies.items():
        if status != "200":  # how fast a refusal comes back matters as much as that it comes
            result[f"p50_ms_{status}"] = round(float(np.percentile(values, 50)), 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--unique", type=float, default=0.3, help="share of unique questions")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the run on the same server (RSS trend)"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    try:
        with served_corpus() as served:
            asyncio.run(hammer(served.base, 200, 4, args.unique))  # warm-up, not counted
            before = rss_mb(served.pid)
            rss_after_round = []
            for _ in range(args.rounds):
                result = asyncio.run(
                    hammer(served.base, args.requests, args.concurrency, args.unique)
                )
                rss_after_round.append(rss_mb(served.pid))
            result |= {"rss_mb_before": before, "rss_mb_after": rss_after_round[-1]}
            if args.rounds > 1:  # growth that stops after the first round is warm-up, not a leak
                result["rss_mb_after_each_round"] = rss_after_round
    except KeyboardInterrupt:
        print("load: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"load: failed: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    print_table({k: v for k, v in result.items() if k != "statuses"} | {
        "statuses": ", ".join(f"{k}: {v}" for k, v in result["statuses"].items())
    }, "POST /ask under load")  # fmt: skip
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
