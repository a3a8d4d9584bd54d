"""What the benchmarks share: a fresh index of corpus/ served by a real uvicorn on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
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


@dataclass(frozen=True)
class Served:
    base: str
    pid: int
    ingest_seconds: float
    chunks: int


@contextmanager
def served_corpus(ready_timeout: float = 120.0) -> Iterator[Served]:
    """Ingest corpus/ into a temporary index and serve it; the server stops on exit."""
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
            yield Served(base, proc.pid, round(ingest_s, 2), report.chunks)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def print_table(result: dict[str, Any], title: str) -> None:
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)
