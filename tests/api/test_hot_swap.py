"""A running server follows a newly published index without a restart or a failed request."""

from __future__ import annotations

import pytest

from config.settings import Settings
from ingest.build import run_ingest
from tests.helpers import GUIDE, asking_in_a_loop, env_for, live_server, wait_until

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

    with (
        live_server(env, tmp_path / "server.log") as base,
        asking_in_a_loop(base, QUESTION) as asked,
    ):
        wait_until(lambda: len(asked.answers) >= 10)  # asking on the old index
        guide.write_text(guide.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
        report = run_ingest(settings)
        assert report.added == 1
        wait_until(lambda: bool(asked.answers) and NEW in asked.answers[-1])
        served_before = len(asked.answers)
        wait_until(lambda: len(asked.answers) >= served_before + 20)  # and it stays on the new one

    answers, failures = asked.answers, asked.failures
    assert failures == []
    assert OLD in answers[0]
    assert NEW in answers[-1] and all(NEW in a for a in answers[served_before:])
    assert len(answers) > 20
