"""A guide nobody wrote questions for, as a user adds one: copied into a corpus of its own, then
`guide-rag tune` and `guide-rag ingest` through the CLI, then asked over HTTP. The guide is a
test guide (its questions chose nothing); its first ten questions are asked, none picked."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from evaluation.guides import corpus_of, load_guides
from tests.helpers import CLI, EVAL_DIR, NO_CA, env_for, live_server_process, real_settings_for

pytestmark = [pytest.mark.model, pytest.mark.server]
GUIDE = "turing-way-inclusive-event-planning"  # about 5,200 words of markdown


def _cli(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run([*CLI, *args, "--json"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_new_guide_is_adapted_to_indexed_and_answered_with_its_sections(
    tmp_path: Path,
) -> None:
    (guide,) = [g for g in load_guides(EVAL_DIR, ("test",)) if g.id == GUIDE]
    corpus = corpus_of([guide], tmp_path / "corpus")
    # The shared models folder holds the cached general stage (made by `make test`'s tune);
    # the adapted model is this corpus's own.
    settings = real_settings_for(tmp_path, corpus_dir=corpus, tuned_dir=tmp_path / "tuned")
    env = {**env_for(settings), "GUIDE_RAG_TUNED_DIR": str(tmp_path / "tuned")}
    env.pop("GUIDE_RAG_MODEL")  # "auto": the adapted model once there is one
    tuned = _cli(env, "tune")
    assert Path(str(tuned["model_dir"])) == tmp_path / "tuned"
    built = _cli(env, "ingest")
    assert built["documents"] == 1

    # The first ten, none picked. The adapted model puts a right section first for 0.90 of this
    # guide's questions (docs/evaluation.md): one miss in ten is what the evaluation measures.
    questions = guide.questions().questions[:10]
    right: list[str] = []
    with live_server_process(env, tmp_path / "server.log") as (base, _):
        assert httpx.get(f"{base}/ready", timeout=5, verify=NO_CA).json()["model"] == str(
            tmp_path / "tuned"
        )
        for q in questions:
            r = httpx.post(f"{base}/ask", json={"question": q.question}, timeout=60, verify=NO_CA)
            assert r.status_code == 200, r.text
            answer = r.json()
            assert not answer["abstained"], q.question
            assert all(c["document"] == GUIDE for c in answer["citations"])
            if any(c["section"] in q.sections for c in answer["citations"]):
                right.append(q.id)
    assert len(right) >= 8, f"cited a section that answers it: {right}"
