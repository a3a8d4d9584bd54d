"""Hostile guides against ingest's budgets, through the real `guide-rag ingest`.

    .venv/bin/python bench/hostile.py [--out result.json] [--env GUIDE_RAG_...=...]

Generates each hostile file of tests/hostile.py (nothing binary is committed; the slow one runs
into the 30 s deadline, so this takes a minute) into a temporary
corpus of its own, runs `guide-rag ingest` on it in a subprocess, and reads the run's peak RSS
(wait4) and wall time. The budget that stopped a file is the setting its one-line reason names.
Prints one JSON object, then a markdown table. Exits 1 with one line on stderr if a run failed
in an unexpected way (a traceback, or a peak RSS of 1 GB or more).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as `python bench/hostile.py`: the project's tests/ too

from tests.hostile import HOSTILE, SLOW, run_measured  # noqa: E402

MAX_RSS_MB = 1024
_SETTING = re.compile(r"\((GUIDE_RAG_[A-Z_]+)\)\s*$")


def measure(name: str, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="guide-rag-hostile-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        path = {**HOSTILE, **SLOW}[name](corpus / name)
        done = run_measured(["ingest", str(corpus), "--index-dir", str(Path(tmp) / "index")], env)
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        stopped = _SETTING.search(reason)
        return {
            "file": name,
            "bytes": path.stat().st_size,
            "exit": done.returncode,
            "budget": stopped.group(1) if stopped else None,
            "peak_rss_mb": round(done.peak_rss_mb, 1),
            "seconds": round(done.seconds, 2),
            "reason": reason.replace(str(corpus) + "/", ""),
            "traceback": "Traceback" in done.stderr,
        }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| file | size | budget that stopped it | peak RSS MB | seconds |",
        "|---|---:|---|---:|---:|",
    ]
    for r in rows:
        size = (
            f"{r['bytes'] / 1e6:.2f} MB" if r["bytes"] >= 100_000 else f"{r['bytes'] / 1e3:.1f} KB"
        )
        lines.append(
            f"| {r['file']} | {size} | {r['budget'] or 'none (exit ' + str(r['exit']) + ')'} "
            f"| {r['peak_rss_mb']:.0f} | {r['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE",
        help="a GUIDE_RAG_* setting for ingest, e.g. GUIDE_RAG_MAX_CHUNKS=5000 (repeatable)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    try:
        rows = [measure(name, env) for name in {**HOSTILE, **SLOW}]
    except KeyboardInterrupt:
        print("hostile: interrupted", file=sys.stderr)
        return 130
    result = {
        "settings": env,
        "max_rss_mb": MAX_RSS_MB,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
        "files": rows,
    }
    print(json.dumps(result, indent=2))
    print()
    print(table(rows))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    bad = [r["file"] for r in rows if r["traceback"] or r["peak_rss_mb"] >= MAX_RSS_MB]
    if bad:
        print(f"hostile: failed: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
