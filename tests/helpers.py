"""Helpers tests (and bench/) share: paths, the fake embedder, a live server on loopback."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "corpus" / "ai-vs-ml-engineering-career-guide.txt"
EVAL_DIR = ROOT / "corpus" / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLI = [sys.executable, "-c", "from cli.app import main; main()"]


class FakeEmbedder:
    """Deterministic bag-of-words vectors, for unit tests of pure logic. Not a real model."""

    name = "fake-embedder"
    scope = None  # no in-scope classifier: abstention on the cosine alone

    def __init__(self, dim: int = 64, fingerprint: str = "fake-embedder-1") -> None:
        self._dim = dim
        self.fingerprint = fingerprint
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dim
                out[row, bucket] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        if on_batch is not None:
            on_batch(len(texts))
        return out

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)


class ServerError(Exception):
    """The server under test exited or never became ready; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server_process(
    env: dict[str, str], log: Path, *, ready_within: float = 120
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`guide-rag serve` in a subprocess on a free loopback port; yields (base URL, process)
    once /ready answers 200."""
    port = free_port()
    env = {**os.environ, **env, "GUIDE_RAG_PORT": str(port), "GUIDE_RAG_HOST": "127.0.0.1"}
    with log.open("w") as out:
        proc = subprocess.Popen([*CLI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if proc.poll() is not None:
                raise ServerError(f"server exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"server not ready in {ready_within} s:\n{log.read_text()}")
            time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def live_server(env: dict[str, str], log: Path) -> Iterator[str]:
    with live_server_process(env, log) as (base, _):
        yield base
