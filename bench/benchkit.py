"""What the benchmarks share: a fresh index of corpus/ served by a real uvicorn on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as `python bench/x.py`: the project's tests/helpers.py too

from tests.helpers import CLI, ServerError, live_server_process  # noqa: E402

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


@dataclass(frozen=True)
class Served:
    base: str
    pid: int
    ingest_seconds: float
    chunks: int


@contextmanager
def served_corpus(ready_timeout: float = 120.0) -> Iterator[Served]:
    """Ingest corpus/ into a temporary index (as `guide-rag ingest` does) and serve it with
    `guide-rag serve` on loopback; the server stops on exit."""
    with tempfile.TemporaryDirectory(prefix="guide-rag-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        started = time.perf_counter()
        ingest = subprocess.run(
            [*CLI, "ingest", "--index-dir", str(index_dir), "--json"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if ingest.returncode != 0:
            raise BenchError(f"ingest failed: {ingest.stderr.strip()}")
        ingest_s = time.perf_counter() - started
        env = {"GUIDE_RAG_INDEX_DIR": str(index_dir), "GUIDE_RAG_RELOAD_SECONDS": "0"}
        try:
            with live_server_process(env, Path(tmp) / "server.log", ready_within=ready_timeout) as (
                base,
                proc,
            ):
                chunks = json.loads(ingest.stdout)["chunks"]
                yield Served(base, proc.pid, round(ingest_s, 2), chunks)
        except ServerError as exc:
            raise BenchError(str(exc)) from exc


def print_table(result: dict[str, Any], title: str) -> None:
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)
