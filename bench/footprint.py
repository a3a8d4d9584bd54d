"""What a replica costs: the `pip install guide-rag[serve]` venv on disk, and the RSS of its
server serving a bundle of the tuned model.

    .venv/bin/python bench/footprint.py [--asks 1000] [--out result.json]

The venv is tests/slim.py's (kept in .pytest_cache, keyed by pyproject.toml; built if absent).
corpus/ is ingested with the tuned model into a temporary index and bundled; that venv's
`guide-rag serve --bundle` answers `--asks` unique questions one at a time, and its RSS is read
before and after. The environment running this script (the dev venv, with torch) is measured
too, for comparison.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from benchkit import CLI, ROOT, environment, ingest, publish, tree_rss_mb, unique_question

from tests.helpers import live_server_process
from tests.slim import HEAVY, serve_venv, size_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=1000)
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    venv = serve_venv(ROOT / ".pytest_cache" / "d" / "serve-venv")
    packages = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    names = sorted(p["name"].lower() for p in json.loads(packages.stdout))
    with tempfile.TemporaryDirectory(prefix="guide-rag-footprint-") as tmp:
        folder = Path(tmp)
        ingest(folder / "index")
        subprocess.run([*CLI, "bundle", "--index-dir", str(folder / "index"), "--out",
                        str(folder / "bundle.tar")], cwd=ROOT, check=True)  # fmt: skip
        env = {"GUIDE_RAG_HOME": str(folder / "home"),
               "GUIDE_RAG_BUNDLE": str(folder / "bundle.tar")}  # fmt: skip
        command = [str(venv / "bin" / "guide-rag")]
        with live_server_process(env, folder / "server.log", command=command, cwd=folder) as (
            base,
            proc,
        ):
            ready = tree_rss_mb(proc.pid)
            with httpx.Client(base_url=base, timeout=30) as client:
                for n in range(args.asks):
                    client.post("/ask", json={"question": unique_question(n)}).raise_for_status()
            after = tree_rss_mb(proc.pid)
            maps = Path(f"/proc/{proc.pid}/maps").read_text()
    result = {
        **environment(),
        "serve_venv_mb": size_mb(venv),
        "serve_venv_packages": len(names),
        "serve_venv_has": {m: m.replace("_", "-") in names for m in HEAVY},
        "dev_venv_mb_for_comparison": size_mb(Path(sys.prefix)),
        "server_rss_mb_ready": ready,
        f"server_rss_mb_after_{args.asks}_asks": after,
        "server_maps_torch": "libtorch" in maps,
        "server_maps_onnxruntime": "onnxruntime" in maps,
    }
    publish(result, args.out, "guide-rag[serve]: install size and server memory (one machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
