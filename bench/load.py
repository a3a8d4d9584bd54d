"""Throughput under load and the server's footprint, in one run on one machine.

    .venv/bin/python bench/load.py [--requests 10000] [--concurrency 32] [--unique 1.0]
                                   [--rounds 1] [--out result.json]

- The floor: the served model on ONNX Runtime, in-process, one thread (p50 ms), and the
  machine's limit, cores x 1000 / floor, as if every core did nothing but encode.
- POST /ask from `--concurrency` keep-alive clients (a lean asyncio HTTP/1.1 client, so that the
  load generator takes little of the CPU it shares with the server); every question unique by
  default. req/s, its share of the limit, p50/p95/p99, status counts.
- The server's RSS (its process tree) before and after each round.
- Cold start: `guide-rag serve` from process start to /ready 200, against a bare process that
  imports onnxruntime, tokenizers, fastapi, uvicorn and faiss and opens the ONNX session.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchkit import (
    CLI,
    QUESTIONS,
    ROOT,
    environment,
    floor_ms,
    percentiles,
    publish,
    served_corpus,
    tree_rss_mb,
    unique_question,
)

BARE = """
import sys, time
started = float(sys.argv[1])
import onnxruntime, tokenizers, fastapi, uvicorn, faiss
from pathlib import Path
from config.settings import load
from retriever.embedding import open_embedder
from retriever.index import load_index
ref = load_index(Path(sys.argv[2])).manifest.model
open_embedder(ref, load().paths.models).session  # opens the ONNX session and the tokenizer
print(time.time() - started)
"""


def request_bytes(host: str, port: int, question: str) -> bytes:
    body = json.dumps({"question": question}).encode()
    head = (
        f"POST /ask HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(h.split(":")[1]) for h in lines if h.lower().startswith("content-length"))
    await reader.readexactly(length)
    return status


async def hammer(
    host: str, port: int, requests: int, concurrency: int, unique: float, offset: int
) -> dict[str, Any]:
    rng = random.Random(7)
    questions = [
        unique_question(offset + n) if rng.random() < unique else QUESTIONS[n % len(QUESTIONS)]
        for n in range(requests)
    ]
    todo = iter(questions)
    statuses: Counter[str] = Counter()
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for question in todo:
                started = time.perf_counter()
                try:
                    writer.write(request_bytes(host, port, question))
                    status = await read_response(reader)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    statuses[type(exc).__name__] += 1
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                statuses[str(status)] += 1
                if status == 200:
                    latencies.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return {
        "requests": requests,
        "concurrency": concurrency,
        "unique_share": unique,
        "statuses": dict(statuses),
        "errors": requests - statuses["200"],
        "seconds": round(seconds, 2),
        "requests_per_second": round(requests / seconds, 1),
        **percentiles(latencies or [float("nan")]),
    }


def wait_ready(port: int, deadline: float) -> None:
    probe = b"GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(probe)
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError("server not ready")


def cold_start(index_dir: Path, runs: int, extra: dict[str, str]) -> dict[str, float]:
    """Median seconds, process start to ready: `guide-rag serve` and the bare process."""
    env = {**os.environ, "GUIDE_RAG_INDEX_DIR": str(index_dir), "GUIDE_RAG_RELOAD_SECONDS": "0",
           **extra}  # fmt: skip
    serve, bare = [], []
    for run in range(runs):
        port = 20000 + os.getpid() % 10000 + run
        started = time.time()
        proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_ready(port, time.monotonic() + 60)
            serve.append(time.time() - started)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        done = subprocess.run(
            [sys.executable, "-c", BARE, str(time.time()), str(index_dir)], cwd=ROOT, env=env,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        bare.append(float(done.stdout.strip().splitlines()[-1]))
    s, b = statistics.median(serve), statistics.median(bare)
    return {"cold_start_serve_s": round(s, 3), "cold_start_bare_s": round(b, 3),
            "cold_start_ratio": round(s / b, 2)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--unique", type=float, default=1.0, help="share of unique questions")
    parser.add_argument("--rounds", type=int, default=1, help="rounds on one server (RSS trend)")
    parser.add_argument(
        "--cold-runs", type=int, default=5, help="cold starts to take the median of"
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE",
        help="a GUIDE_RAG_* setting for the server, e.g. GUIDE_RAG_WORKER_THREADS=2 (repeatable)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    try:
        with served_corpus(env) as served:
            floor = floor_ms(served.index_dir)
            limit = (os.cpu_count() or 1) * 1000 / floor
            asyncio.run(hammer(served.host, served.port, 200, 4, 1.0, 10**7))  # warm-up
            before = tree_rss_mb(served.pid)
            after = []
            for r in range(args.rounds):
                result = asyncio.run(
                    hammer(served.host, served.port, args.requests, args.concurrency,
                           args.unique, r * args.requests)
                )  # fmt: skip
                after.append(tree_rss_mb(served.pid))
            cold = cold_start(served.index_dir, args.cold_runs, env) if args.cold_runs else {}
    except KeyboardInterrupt:
        print("load: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"load: failed: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    result = {
        **environment(),
        "floor_onnx_encode_p50_ms": floor,
        "limit_requests_per_second": round(limit, 1),
        "server_settings": env,
        **result,
        "share_of_limit": round(result["requests_per_second"] / limit, 2),
        "target_share_of_limit": 0.7,  # issue 19 (issue 12 asked 0.6)
        "p99_over_floor": round(result["p99_ms"] / floor, 1),
        # Issue 19's; with 32 clients on 2 cores it cannot hold. Little's law: mean latency =
        # clients / throughput, and throughput <= cores x 1000 / (a question's cost, >= 0.8 x
        # floor in batches of 2-4), so p99 >= mean >= 32 x 0.8 / 2 = 12.8 x floor.
        "target_p99_over_floor": 10,
        "rss_mb_before": before,
        "rss_mb_after_each_round": after,
        "target_rss_mb": 300,
        **cold,
        "target_cold_start_ratio": 1.5,
    }
    shown = {k: v for k, v in result.items() if k != "statuses"} | {
        "statuses": ", ".join(f"{k}: {v}" for k, v in result["statuses"].items())
    }
    publish(result, args.out, "POST /ask under load (one run, one machine)", shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
