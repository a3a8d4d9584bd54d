"""What a serving process sets up for itself (cli/edge.py), checked in a process of its own."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import ROOT

PROBE = """
import json
from cli.edge import serving_process
from config.settings import load
serving_process(load())
from threadpoolctl import threadpool_info
print(json.dumps([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]))
"""


def test_a_serving_process_gives_numpys_blas_one_thread() -> None:
    # Request threads keep every core busy; BLAS threads of their own spun beside them.
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [1]
