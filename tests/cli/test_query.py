"""`guide-rag ask` with the real model, on each embedding backend a user may choose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import Settings
from tests.helpers import env_for

pytestmark = pytest.mark.model


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_ask_answers_on_either_backend(real_settings: Settings, backend: str) -> None:
    # An asking process keeps scipy out on ONNX; sentence-transformers (torch) imports it.
    done = subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", "ask",
         "What salary do entry level AI engineers typically start at?"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, **env_for(real_settings), "GUIDE_RAG_BACKEND": backend},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "$90,000 to $130,000" in done.stdout
