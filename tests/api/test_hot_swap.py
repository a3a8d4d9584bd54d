"""A running server follows a newly published index without a restart or a failed request."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from config.settings import Settings
from ingest.build import run_ingest
from tests.helpers import GUIDE, env_for, live_server

pytestmark = pytest.mark.server
# The fake model matches words: the question uses the guide's own.
QUESTION = {"question": "What salary do entry level AI engineers typically start at?"}
OLD, NEW = "$90,000 to $130,000", "$95,000 to $140,000"


def test_ask_loop_survives_a_publish_and_sees_the_new_text(fake_settings: Settings) -> None:
    settings = fake_settings
    guide = settings.paths.corpus / GUIDE.name
    tmp_path = settings.paths.home
    run_ingest(settings)
    env = {**env_for(settings), "GUIDE_RAG_RELOAD_SECONDS": "0.5"}

    with live_server(env, tmp_path / "server.log") as base:
        answers: list[str] = []
        failures: list[str] = []
        stop = threading.Event()

        def ask_in_a_loop() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set() and len(answers) + len(failures) < 5000:
                    try:
                        response = client.post("/ask", json=QUESTION)
                        if response.status_code == 200:
                            answers.append(response.json()["answer"])
                        else:
                            failures.append(f"{response.status_code} {response.text[:200]}")
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))

        worker = threading.Thread(target=ask_in_a_loop)
        worker.start()
        try:
            time.sleep(1.0)
            guide.write_text(guide.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
            report = run_ingest(settings)
            assert report.added == 1
            deadline = time.monotonic() + 30
            while not (answers and NEW in answers[-1]) and time.monotonic() < deadline:
                time.sleep(0.1)
            served_before = len(answers)
            time.sleep(1.0)  # and it stays on the new index
        finally:
            stop.set()
            worker.join(timeout=60)

    assert failures == []
    assert OLD in answers[0]
    assert NEW in answers[-1] and all(NEW in a for a in answers[served_before:])
    assert len(answers) > 20
