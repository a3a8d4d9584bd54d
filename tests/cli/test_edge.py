"""What a serving process sets up for itself (cli/edge.py), checked in a process of its own."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

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


ARENAS = """
import ctypes, ctypes.util, os, re, sys, tempfile, threading
from cli.edge import serving_process
from config.settings import load
if "--serving" in sys.argv:
    serving_process(load())
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
meet = threading.Barrier(8)
def work():
    held = [libc.malloc(4096) for _ in range(64)]  # small blocks: from an arena, not mmap
    meet.wait()  # all eight threads allocate at once
    for block in held:
        libc.free(block)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
path = os.path.join(tempfile.mkdtemp(), "malloc.xml")
out = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fclose(ctypes.c_void_p(out))
print(len(re.findall(r"<heap nr=", open(path).read())))
"""


def arenas(*flags: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS, *flags], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return int(done.stdout.splitlines()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
def test_a_serving_process_keeps_to_two_malloc_arenas() -> None:
    # Each request thread's arrays would fill an arena of its own, which keeps its freed pages.
    assert arenas("--serving") <= 2 < arenas()
