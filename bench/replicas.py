"""Throughput of one bundle served three ways, in one run on one machine: one process asked
directly, the same process behind nginx, and two replicas behind nginx.

    .venv/bin/python bench/replicas.py [--requests 2000] [--rounds 3] [--concurrency 32]
                                       [--out result.json]

corpus/ is ingested with the tuned model into a temporary index and written as a bundle
(`guide-rag bundle`); two `guide-rag serve --bundle` replicas start on loopback, one nginx
(Debian's, tests/nginx.py's config) proxies to the first, another to both. Each round sends
`--requests` unique POST /ask from `--concurrency` keep-alive clients (bench/load.py's client)
to each of the three, in turn, so that a machine whose load drifts during the run weighs on all
three alike; the median round is reported, with every round's req/s. The load generator, nginx
and the replicas share the machine's cores: the figures say what one machine does, not what two
machines would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from benchkit import CLI, ROOT, environment, floor_ms, ingest, publish, tree_rss_mb
from load import hammer

from tests.helpers import live_server_process
from tests.nginx import nginx_binary, nginx_in_front

DIRECT, ONE, TWO = "one process, direct", "nginx, one replica", "nginx, two replicas"


def bundle(index_dir: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [*CLI, "bundle", "--index-dir", str(index_dir), "--out", str(out), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bundle failed: {done.stderr.strip()}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@contextmanager
def replicas(bundle_path: Path, folder: Path, count: int) -> Iterator[list[tuple[int, int]]]:
    """`count` replicas of the bundle: (port, pid) each, all ready."""
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        started = []
        for n in range(count):
            env = {"GUIDE_RAG_HOME": str(folder / f"replica-{n}"),
                   "GUIDE_RAG_BUNDLE": str(bundle_path)}  # fmt: skip
            base, proc = stack.enter_context(live_server_process(env, folder / f"replica-{n}.log"))
            started.append((int(base.rsplit(":", 1)[1]), proc.pid))
        yield started


def phase(port: int, requests: int, concurrency: int, offset: int) -> dict[str, Any]:
    result: dict[str, Any] = asyncio.run(
        hammer("127.0.0.1", port, requests, concurrency, 1.0, offset)
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    binary = nginx_binary()
    if binary is None:
        print("replicas: nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return 1
    n, c = args.requests, args.concurrency
    runs: dict[str, list[dict[str, Any]]] = {DIRECT: [], ONE: [], TWO: []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="guide-rag-replicas-") as tmp:
        folder = Path(tmp)
        ingest(folder / "index")
        made = bundle(folder / "index", folder / "bundle.tar")
        floor = floor_ms(folder / "index")
        with ExitStack() as stack:
            (first, pid1), (second, pid2) = stack.enter_context(
                replicas(folder / "bundle.tar", folder / "replicas", 2)
            )
            one = stack.enter_context(nginx_in_front(binary, folder / "nginx-1", [first]))
            two = stack.enter_context(nginx_in_front(binary, folder / "nginx-2", [first, second]))
            ports = {DIRECT: first, ONE: one.port, TWO: two.port}
            for name, port in ports.items():  # warm-up: sessions, caches, connections
                asyncio.run(hammer("127.0.0.1", port, 200, 4, 1.0, 10**8 + len(runs[name])))
            offset = 0
            for _ in range(args.rounds):
                for name, port in ports.items():
                    runs[name].append(phase(port, n, c, offset))
                    offset += n
            rss = [tree_rss_mb(pid1), tree_rss_mb(pid2)]
    rows = {name: median_round(rounds) for name, rounds in runs.items()}
    direct = rows[DIRECT]["requests_per_second"]
    result = {
        **environment(),
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "bundle": {k: made[k] for k in ("build_id", "files", "bytes")}
        | {"model": made["model"]["name"]},
        "floor_onnx_encode_p50_ms": floor,
        "requests_per_round": n,
        "concurrency": c,
        "phases": rows,
        "replica_rss_mb_after": rss,
        "two_replicas_vs_direct": round(rows[TWO]["requests_per_second"] / direct, 2),
        "one_replica_behind_nginx_vs_direct": round(rows[ONE]["requests_per_second"] / direct, 2),
    }
    shown = {
        name: f"{r['requests_per_second']} req/s (rounds {r['rounds_requests_per_second']}), "
        f"p50/p99 {r['p50_ms']}/{r['p99_ms']} ms, errors {r['errors']}"
        for name, r in rows.items()
    } | {"two replicas ÷ direct": result["two_replicas_vs_direct"], "replica RSS after, MB": rss}
    title = (
        f"POST /ask, {c} clients, {n} unique questions per round and phase (one run, one machine)"
    )
    publish(result, args.out, title, shown)
    return 0


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median req/s, with every round's req/s and all rounds' errors."""
    ordered = sorted(rounds, key=lambda r: float(r["requests_per_second"]))
    middle = dict(ordered[len(ordered) // 2])
    middle["rounds_requests_per_second"] = [r["requests_per_second"] for r in rounds]
    middle["errors"] = sum(int(r["errors"]) for r in rounds)
    return middle


if __name__ == "__main__":
    sys.exit(main())
