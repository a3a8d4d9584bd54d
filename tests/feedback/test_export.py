"""Feedback export: helpful verdicts become training pairs that tuning can take; from either
store (each test runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from config.settings import Settings
from evaluation.evalset import read_questions
from feedback.export import export
from feedback.store import FeedbackStore, Verdict, VerdictKind
from retriever.index import load_index
from retriever.types import Citation
from tests.helpers import CLI, ROOT, FeedbackTarget, free_port
from tuning.pairs import training_pairs

Stores = Callable[..., FeedbackStore]

CHUNK = {
    "n": 1, "document": "guide", "section": "FAQ", "chunk_id": "c1", "score": 0.7,
    "text": "Can developers switch?\nYes, they can. Structured learning accelerates it a lot.",
}  # fmt: skip


def verdict(answer_id: str, kind: VerdictKind, question: str) -> Verdict:
    return Verdict(
        answer_id=answer_id, verdict=kind, question=question, answer="Yes, they can. [1]",
        citations=(Citation.from_dict(CHUNK),), chosen=1, build_id="b1", model="m",
    )  # fmt: skip


def test_export_writes_training_pairs_and_a_review_file(
    tmp_path: Path, feedback_store: Stores
) -> None:
    store = feedback_store(max_rows=10)
    store.add(verdict("a1", "helpful", "can a web dev move into ml?"))
    store.add(verdict("a2", "not_helpful", "what about bootcamps?"))
    report = export(store, tmp_path / "out")
    assert (report.helpful, report.not_helpful) == (1, 1)
    (row,) = [json.loads(line) for line in report.train.read_text().splitlines()]
    assert row["question"] == "can a web dev move into ml?" and row["split"] == "train"
    assert row["facts"] == ["Structured learning accelerates it a lot."]  # the longest sentence
    (review,) = [json.loads(line) for line in report.review.read_text().splitlines()]
    assert review["question"] == "what about bootcamps?" and review["citations"][0]["n"] == 1
    # The export is a train file: it parses as one and pairs with the chunk it came from.
    (question,) = read_questions(report.train)
    assert question.facts == ("Structured learning accelerates it a lot.",)


def test_helpful_feedback_pairs_with_the_real_guide(
    tmp_path: Path, fake_index: Settings, feedback_store: Stores
) -> None:
    # The shipped guide's chunks; which model embedded them does not matter to the pairing.
    build = load_index(fake_index.paths.index)
    chunk = next(c for c in build.chunks if "$90,000" in c.text)
    citation = Citation(n=1, document=chunk.document_id, section=chunk.section,
                        chunk_id=chunk.id, score=0.8, text=chunk.text)  # fmt: skip
    store = feedback_store(max_rows=10)
    given = Verdict(
        answer_id="a1", verdict="helpful", question="pay for ai devs?", answer="…",
        citations=(citation,), chosen=1, build_id="b", model="m",
    )  # fmt: skip
    store.add(given)
    report = export(store, tmp_path / "out")
    pairs = training_pairs(read_questions(report.train), build.chunks)
    assert [p.chunk_id for p in pairs.pairs] == [chunk.id] and not pairs.skipped


def test_the_cli_exports_the_store_the_settings_name(
    tmp_path: Path, feedback_store: Stores, feedback_target: FeedbackTarget
) -> None:
    feedback_store(max_rows=10).add(verdict("a1", "helpful", "q?"))
    done = subprocess.run(
        [*CLI, "feedback", "export", "--out", str(tmp_path / "out"), "--json"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **feedback_target.env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["helpful"] == 1
    assert json.loads((tmp_path / "out" / "feedback_train.jsonl").read_text())["question"] == "q?"


def test_the_cli_says_in_one_line_when_the_database_is_down(tmp_path: Path) -> None:
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/feedback"  # nothing listens there
    done = subprocess.run(
        [*CLI, "feedback", "export", "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "GUIDE_RAG_FEEDBACK_URL": url},
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: cannot read the feedback database") and "refused" in line
    assert not (tmp_path / "out" / "feedback_train.jsonl").exists()
