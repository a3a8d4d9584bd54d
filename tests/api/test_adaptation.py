"""`guide-rag serve --adapt`: the server answers with the model it has while the model is
adapted beside it, then serves the adapted model and its index, without a failed request."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from ingest.build import run_ingest
from retriever.limits import BASE_MODEL
from tests.helpers import NO_CA, asking_in_a_loop, env_for, live_server_process, real_settings_for

pytestmark = [pytest.mark.model, pytest.mark.server]
QUESTION = {"question": "How much do entry-level AI engineers earn?"}


def test_serving_goes_on_while_the_model_is_adapted_and_swapped_in(tmp_path: Path) -> None:
    # The index a fresh clone serves first: the base model's (`make run` ingests before tuning).
    settings: Settings = real_settings_for(tmp_path, model=BASE_MODEL)
    run_ingest(settings)
    env = {**env_for(settings), "GUIDE_RAG_RELOAD_SECONDS": "0.5"}
    log = tmp_path / "server.log"
    with live_server_process(env, log, args=["--adapt"]) as (base, _):
        first = httpx.get(f"{base}/ready", timeout=5, verify=NO_CA).json()
        assert first["model"] == BASE_MODEL and first["adaptation"] in ("waiting", "running")
        models: list[str] = []
        with asking_in_a_loop(base, QUESTION) as asked:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                ready = httpx.get(f"{base}/ready", timeout=5, verify=NO_CA).json()
                models.append(ready["model"])
                if ready["adaptation"] == "failed":
                    pytest.fail(f"adaptation failed: {ready['adaptation_detail']}")
                if ready["adaptation"] == "done" and ready["model"] != BASE_MODEL:
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"not adapted in time:\n{log.read_text()[-2000:]}")
    failures = asked.failures
    assert failures == []
    assert models[-1] == str(settings.tuned_dir)  # the adapted model, with its index
