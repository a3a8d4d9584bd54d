"""End-to-end latency benchmark: ingest corpus/ into a temp index, serve it, time POST /ask.

    .venv/bin/python bench/latency.py [--requests 100] [--warmup 3] [--out report.json]

Prints one JSON object, then a table. Exits 1 with one line on stderr if anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

from ingest.pipeline import run_ingest
from retriever.index import current_build, read_manifest
from retriever.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How much do entry-level AI engineers earn?",
    "What is the difference between AI engineering and ML engineering?",
    "Which tools do ML engineers use?",
    "What skills does an AI engineer need?",
    "How do I transition from software engineering to AI engineering?",
    "Do ML engineers need a strong math background?",
    "What does an ML engineer do day to day?",
    "Is there demand for AI engineers in the job market?",
    "Should I learn both AI and ML engineering skills?",
    "What are RAG pipelines and vector databases used for?",
]


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no server output)"


def wait_ready(
    proc: subprocess.Popen[bytes], base: str, log: Path, deadline_s: float, built_at: str
) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"server exited with code {proc.returncode}: {last_line(log)}")
        try:
            resp = httpx.get(f"{base}/ready", timeout=2)
        except httpx.TransportError:
            resp = None
        if resp is not None and resp.status_code == 200:
            if resp.json().get("index_built_at") != built_at:  # another server on our port
                raise BenchError(f"{base} serves some other index, not the one just built")
            return
        time.sleep(0.25)
    raise BenchError(f"server not ready after {deadline_s:g}s: {last_line(log)}")


def ask(client: httpx.Client, question: str) -> tuple[float, float]:
    """(client wall ms, server took_ms) for one POST /ask."""
    started = time.perf_counter()
    resp = client.post("/ask", json={"question": question})
    wall_ms = (time.perf_counter() - started) * 1000
    if resp.status_code != 200:
        raise BenchError(f"POST /ask returned {resp.status_code}: {resp.text[:200]}")
    return wall_ms, float(resp.json()["took_ms"])


def run(requests: int, warmup: int, ready_timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="guide-rag-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        settings = Settings(index_dir=index_dir, corpus_dir=ROOT / "corpus")
        started = time.perf_counter()
        report = run_ingest(settings)
        ingest_s = time.perf_counter() - started

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "server.log"
        serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--index-dir", str(index_dir)]
        cmd = [sys.executable, "-c", "from api.cli import main; main()", *serve]
        with log.open("wb") as log_fh:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_fh, stderr=subprocess.STDOUT)
        try:
            built_at = read_manifest(current_build(index_dir)).built_at
            wait_ready(proc, base, log, ready_timeout, built_at)
            with httpx.Client(base_url=base, timeout=30) as client:
                for i in range(warmup):
                    ask(client, QUESTIONS[i % len(QUESTIONS)])
                samples = [ask(client, QUESTIONS[i % len(QUESTIONS)]) for i in range(requests)]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    wall = np.array([s[0] for s in samples])
    took = np.array([s[1] for s in samples])
    return {
        "ingest_seconds": round(ingest_s, 2),
        "chunks": report.chunks,
        "requests": requests,
        "p50_ms": round(float(np.percentile(wall, 50)), 2),
        "p95_ms": round(float(np.percentile(wall, 95)), 2),
        "p99_ms": round(float(np.percentile(wall, 99)), 2),
        "mean_ms": round(float(wall.mean()), 2),
        "server_took_ms_p50": round(float(np.percentile(took, 50)), 2),
    }


def print_table(result: dict[str, Any]) -> None:
    table = Table(title="POST /ask latency")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests (default 100)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--ready-timeout", type=float, default=120.0, help="seconds to wait")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be >= 1 and --warmup >= 0")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # stderr: one line on failure
    try:
        result = run(args.requests, args.warmup, args.ready_timeout)
        print(json.dumps(result, indent=2))
        print_table(result)
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
