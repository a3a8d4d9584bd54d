"""What the benchmarks share: a fresh index of corpus/ served by `guide-rag serve` on loopback,
unique questions, the model's floor measured in-process, RSS, and how results are printed."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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
ROLES = [
    "a backend developer",
    "a data analyst",
    "a student",
    "a QA engineer",
    "a designer",
    "a frontend developer",
    "a DevOps engineer",
    "a PhD student",
    "a product manager",
]


class BenchError(Exception):
    pass


def unique_question(n: int) -> str:
    """The n-th question, never asked before: the server's embedding cache cannot help."""
    return f"{QUESTIONS[n % len(QUESTIONS)]} I am {ROLES[n % len(ROLES)]} (#{n})."


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 2)

    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": at(95), "p99_ms": at(99)}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (uvicorn workers), in MB."""
    total = rss_mb(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += tree_rss_mb(int(child))
    return round(total, 1)


def floor_encoder(index_dir: Path) -> Callable[[str], float]:
    """The served model on ONNX Runtime, in-process, one thread, warmed up: a function that
    encodes one question alone and returns its milliseconds."""
    from config.settings import load
    from retriever.embedding import open_embedder
    from retriever.index import load_index

    ref = load_index(index_dir).manifest.model
    embedder = open_embedder(ref, load().paths.models, backend="onnx", threads=1)
    for n in range(20):
        embedder.encode([unique_question(-1 - n)])

    def encode(question: str) -> float:
        started = time.perf_counter()
        embedder.encode([question])
        return (time.perf_counter() - started) * 1000

    return encode


def floor_ms(index_dir: Path, samples: int = 300) -> float:
    """The floor's p50 ms over `samples` unique questions, one at a time."""
    encode = floor_encoder(index_dir)
    return round(statistics.median(encode(unique_question(100_000 + n)) for n in range(samples)), 2)


@dataclass(frozen=True)
class Served:
    base: str
    host: str
    port: int
    pid: int
    index_dir: Path
    ready_seconds: float  # process start to /ready 200
    chunks: int


def ingest(index_dir: Path) -> int:
    """`guide-rag ingest` into `index_dir` (the model already tuned): the chunk count."""
    done = subprocess.run(
        [*CLI, "ingest", "--index-dir", str(index_dir), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BenchError(f"ingest failed: {done.stderr.strip()}")
    return int(json.loads(done.stdout)["chunks"])


@contextmanager
def served_corpus(env: dict[str, str] | None = None) -> Iterator[Served]:
    """Ingest corpus/ into a temporary index and serve it; the server stops on exit."""
    with tempfile.TemporaryDirectory(prefix="guide-rag-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        chunks = ingest(index_dir)
        env = {
            "GUIDE_RAG_INDEX_DIR": str(index_dir),
            "GUIDE_RAG_RELOAD_SECONDS": "0",
            **(env or {}),
        }
        started = time.perf_counter()
        try:
            with live_server_process(env, Path(tmp) / "server.log") as (base, proc):
                ready = time.perf_counter() - started
                host, port = base.removeprefix("http://").split(":")
                yield Served(base, host, int(port), proc.pid, index_dir, round(ready, 3), chunks)
        except ServerError as exc:
            raise BenchError(str(exc)) from exc


def publish(
    result: dict[str, Any], out: Path | None, title: str, shown: dict[str, Any] | None = None
) -> None:
    """A benchmark's result: its JSON on stdout and in `out` (when given), then a table of
    `shown` (the result itself unless a flatter view reads better)."""
    print(json.dumps(result, indent=2))
    save(result, out)
    print_table(result if shown is None else shown, title)


def save(result: dict[str, Any], out: Path | None) -> None:
    """A benchmark's JSON in `out`, when given."""
    if out is not None:
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def print_rows(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    labels: int = 1,
    width: int = 160,
) -> None:
    """A table of rows under `columns`: the first `labels` columns name a row, the rest are
    figures (right-aligned)."""
    table = Table(title=title)
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < labels else "right")
    for row in rows:
        table.add_row(*(str(value) for value in row))
    Console(width=width).print(table)


def print_table(result: dict[str, Any], title: str) -> None:
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console(width=120).print(table)


def environment() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
