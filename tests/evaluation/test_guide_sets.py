"""Every eval guide's question set (corpus/eval/guides/, and the spare train guides in
bench/data/spare-guides/) is well-formed and true to its guide.

Fast, no model: the catalogue names a licence and a source for each guide; each guide's questions
name its own content sections, quote facts that sit in the searchable text of those sections,
and paraphrase rather than copy; the out-of-scope ones mix near misses with everyday questions.
A fact that no chunk holds would make a train pair without a positive, or a question that no
answer could get right.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from evaluation.guides import CATALOGUE, GUIDES_DIR
from ingest.loaders import load_document
from ingest.structure import unit_text
from tests.evaluation.test_evalset import (
    OUT_OF_SCOPE_KEYS,
    QUESTION_KEYS,
    TYPES,
    _ngrams,
    _read_jsonl,
)
from tests.helpers import EVAL_DIR, ROOT

FOLDERS = (EVAL_DIR / GUIDES_DIR, ROOT / "bench" / "data" / "spare-guides")
# Issue 16: at least 40 in scope and 15 out of scope, 10 of them near misses, per guide.
MIN_IN, MIN_OUT, MIN_NEAR = 40, 15, 10


CATALOGUED = [{**row, "file": folder / row["file"]} for folder in FOLDERS
              for row in _read_jsonl(folder / CATALOGUE)]  # fmt: skip


@cache
def _sections(file: Path) -> dict[str, str]:
    doc = load_document(file)
    return {
        s.title: "\n".join(unit_text(u) for u in s.units) for s in doc.sections if not s.navigation
    }


@pytest.mark.parametrize("guide", CATALOGUED, ids=[g["id"] for g in CATALOGUED])
def test_a_guide_is_catalogued_with_its_licence_and_source(guide: dict[str, Any]) -> None:
    assert guide["split"] in ("train", "dev", "test")
    assert guide["file"].is_file()
    for key in ("licence", "source", "repository", "commit", "licence_evidence"):
        assert str(guide.get(key, "")).strip(), f"{guide['id']}: no {key}"


@pytest.mark.parametrize("guide", CATALOGUED, ids=[g["id"] for g in CATALOGUED])
def test_its_questions_are_true_to_it(guide: dict[str, Any]) -> None:
    folder = guide["file"].parent
    questions = _read_jsonl(folder / "questions.jsonl")
    outside = _read_jsonl(folder / "out_of_scope.jsonl")
    texts = _sections(guide["file"])
    copied = _ngrams(guide["file"].read_text("utf-8"))
    assert len(questions) >= MIN_IN and len(outside) >= MIN_OUT
    assert sum(r["kind"] == "near_miss" for r in outside) >= MIN_NEAR
    assert {r["kind"] for r in outside} == {"near_miss", "everyday"}
    ids = [r["id"] for r in questions + outside]
    assert len(ids) == len(set(ids)), f"{guide['id']}: repeated ids"
    for r in questions:
        assert list(r) == QUESTION_KEYS, f"{r['id']}: keys {list(r)}"
        assert r["split"] == guide["split"] and r["type"] in TYPES, r["id"]
        assert r["sections"] and set(r["sections"]) <= set(texts), f"{r['id']}: {r['sections']}"
        for fact in r["facts"]:
            assert any(fact in texts[s] for s in r["sections"]), f"{r['id']}: {fact!r}"
        # Only in-scope questions must paraphrase: a near miss may name what the guide names
        # (a game's six-word title), which is what makes it near.
        assert not _ngrams(r["question"]) & copied, f"{r['id']} copies the guide"
    for r in outside:
        assert list(r) == OUT_OF_SCOPE_KEYS and r["split"] == guide["split"], r["id"]
