"""How long the fast suite takes (`make test-fast`: the fake embedder, both cores), run after run,
with what the machine's speed was at the time.

    .venv/bin/python bench/fast_suite.py [--runs 6] [--out result.json]

On a shared 2-core VM the same code's suite has taken 52 s and 80 s within an hour, and its CPU
time moved with it: the machine, not the suite, changed. So each run also times a fixed loop of
pure Python (`reference_s`, one core, before the run) and reads the CPU the whole machine spent
(`/proc/stat`, which counts Chromium and PostgreSQL too, outside pytest's process tree).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchkit import ROOT, BenchError, environment, publish

COMMAND = [sys.executable, "-m", "pytest", "-m", "not model and not system", "-n", "2",
           "--dist", "loadgroup", "-q"]  # fmt: skip


def machine_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (user, nice, system, irq)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # less idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def reference_s() -> float:
    """A fixed loop of pure Python on one core: its time is the machine's speed right now."""
    started = time.perf_counter()
    sum(range(30_000_000))
    return time.perf_counter() - started


def one_run() -> dict[str, float]:
    reference = reference_s()
    cpu = machine_cpu_s()
    started = time.perf_counter()
    done = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"the fast suite failed:\n{done.stdout[-3000:]}")
    return {"wall_s": round(wall, 1), "machine_cpu_s": round(machine_cpu_s() - cpu, 1),
            "reference_s": round(reference, 2)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    walls = [r["wall_s"] for r in runs]
    result: dict[str, Any] = {
        **environment(),
        "command": " ".join(["python", *COMMAND[1:]]),
        "runs": len(runs),
        "wall_min_s": min(walls),
        "wall_median_s": round(statistics.median(walls), 1),
        "wall_max_s": max(walls),
        "machine_cpu_median_s": round(statistics.median(r["machine_cpu_s"] for r in runs), 1),
        "reference_median_s": round(statistics.median(r["reference_s"] for r in runs), 2),
        "each": runs,
    }
    shown = {k: v for k, v in result.items() if k != "each"}
    publish(result, args.out, "the fast suite, run after run", shown)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
