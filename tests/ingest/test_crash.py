"""SIGKILL in the middle of an ingest loses nothing: the old index still loads and answers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.build import run_ingest
from retriever.embedding import FakeEmbedder
from retriever.index import BUILDS, load_index
from retriever.qa import QA
from tests.helpers import FIXTURES, ROOT

# Runs an ingest that stops at a known point (while embedding, or with the new build written
# but not yet published), touches a marker file, and waits there to be killed.
STUCK_INGEST = """
import pathlib, sys, time
import ingest.publish
from ingest.build import run_ingest
from config.settings import Paths, Settings
from retriever.embedding import FakeEmbedder

corpus, index, point, marker = sys.argv[1:5]

def stop_here():
    pathlib.Path(marker).touch()
    time.sleep(300)

class StuckEmbedder(FakeEmbedder):
    def encode(self, texts, *, on_batch=None):
        if point == "embedding":
            stop_here()
        return super().encode(texts, on_batch=on_batch)

if point == "write":
    real_write = ingest.publish.write_build
    def write_then_stop(*args, **kwargs):
        real_write(*args, **kwargs)
        stop_here()
    ingest.publish.write_build = write_then_stop

if point == "swap":  # the new build renamed into builds/, CURRENT not yet replaced
    real_fsync = ingest.publish._fsync
    def fsync_then_stop(path):
        real_fsync(path)
        if path.name == ".CURRENT.tmp":
            stop_here()
    ingest.publish._fsync = fsync_then_stop

home = pathlib.Path(index).parent
paths = Paths(home=home, corpus_dir=pathlib.Path(corpus), index_dir=pathlib.Path(index))
settings = Settings(paths=paths)
settings = settings.override(model="fake-embedder")
run_ingest(settings, embedder=StuckEmbedder())
"""


@pytest.mark.parametrize("point", ["embedding", "write", "swap"])
def test_sigkill_mid_ingest_keeps_the_old_index(
    fake_settings: Settings, corpus_copy: Path, tmp_path: Path, point: str
) -> None:
    first = run_ingest(fake_settings, embedder=FakeEmbedder())
    shutil.copy(FIXTURES / "prompt-engineering-guide.md", corpus_copy)
    marker = tmp_path / "stopped"
    args = [str(corpus_copy), str(fake_settings.paths.index), point, str(marker)]
    proc = subprocess.Popen([sys.executable, "-c", STUCK_INGEST, *args], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, "the stuck ingest exited before its stop point"
            assert time.monotonic() < deadline, "the stuck ingest never reached its stop point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    survivor = load_index(fake_settings.paths.index)
    assert survivor.manifest.build_id == first.build_id
    qa = QA.load(fake_settings.serving(), embedder=FakeEmbedder())
    assert qa.search("salary ranges", k=3)

    after = run_ingest(fake_settings, embedder=FakeEmbedder())  # the lock died with the process
    assert after.documents == 2 and after.build_id != first.build_id
    assert load_index(fake_settings.paths.index).manifest.build_id == after.build_id
    # Kept: the new build and the one it replaced. Gone: staging leftovers, and a build the
    # kill left renamed but never published.
    names = {p.name for p in (fake_settings.paths.index / BUILDS).iterdir()}
    assert names == {after.build_id, first.build_id}
