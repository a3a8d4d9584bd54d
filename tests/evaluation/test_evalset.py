"""The retrieval evaluation set in corpus/eval/ is well-formed and true to the guide.

Fast, no model: checks structure, that section titles are the chunker's own, that every fact is
copied verbatim from the guide, that questions are paraphrases rather than copied sentences, and
that the dev/test split is balanced and stratified by section.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ingest.loaders import load_document
from ingest.structure import Document, unit_text
from tests.helpers import EVAL_DIR, GUIDE

QUESTIONS = EVAL_DIR / "questions.jsonl"
OUT_OF_SCOPE = EVAL_DIR / "out_of_scope.jsonl"

QUESTION_KEYS = ["id", "question", "sections", "facts", "split", "type"]
OUT_OF_SCOPE_KEYS = ["id", "question", "kind", "split"]
TYPES = {"fact", "comparison", "list", "number", "yes_no", "how_to"}
KINDS = {"everyday", "near_miss"}
SPLITS = {"dev", "test"}
MIN_QUESTIONS = 80
MIN_OUT_OF_SCOPE = 30
MIN_PER_SECTION = 4
MIN_PER_SECTION_SPLIT = 2
NGRAM = 6
Rows = Callable[[], list[dict[str, Any]]]
WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z0-9]+)*")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{number}: not valid JSON ({exc.msg})")
        assert isinstance(row, dict), f"{path.name}:{number}: expected a JSON object"
        rows.append(row)
    return rows


@cache
def _questions() -> list[dict[str, Any]]:
    return _read_jsonl(QUESTIONS)


@cache
def _out_of_scope() -> list[dict[str, Any]]:
    return _read_jsonl(OUT_OF_SCOPE)


@cache
def _guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


@cache
def _guide_document() -> Document:
    return load_document(GUIDE)


@cache
def _content_titles() -> tuple[str, ...]:
    """Titles of the searchable sections, as the project's own chunker emits them."""
    return tuple(s.title for s in _guide_document().sections if not s.navigation)


def _ngrams(text: str, n: int = NGRAM) -> set[tuple[str, ...]]:
    words = WORD.findall(text.casefold())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_files_parse_with_expected_keys() -> None:
    for row in _questions():
        assert list(row) == QUESTION_KEYS, f"{row.get('id')}: keys {list(row)}"
    for row in _out_of_scope():
        assert list(row) == OUT_OF_SCOPE_KEYS, f"{row.get('id')}: keys {list(row)}"


def test_enough_questions() -> None:
    assert len(_questions()) >= MIN_QUESTIONS
    assert len(_out_of_scope()) >= MIN_OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("rows", "prefix"),
    [(_questions, "q"), (_out_of_scope, "o")],
    ids=["questions", "out_of_scope"],
)
def test_ids_unique_and_well_formed(rows: Rows, prefix: str) -> None:
    ids = [row["id"] for row in rows()]
    pattern = re.compile(rf"{prefix}\d{{3}}")
    bad = [i for i in ids if not isinstance(i, str) or not pattern.fullmatch(i)]
    assert not bad, f"malformed ids: {bad}"
    dupes = [i for i, count in Counter(ids).items() if count > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_questions_are_nonempty_strings() -> None:
    for row in _questions() + _out_of_scope():
        question = row["question"]
        assert isinstance(question, str) and question.strip(), f"{row['id']}: empty question"


def test_sections_are_content_section_titles() -> None:
    valid = set(_content_titles())
    assert valid, "the chunker found no content sections in the guide"
    for row in _questions():
        sections = row["sections"]
        assert isinstance(sections, list) and sections, f"{row['id']}: no sections"
        assert len(set(sections)) == len(sections), f"{row['id']}: repeated section"
        unknown = [s for s in sections if s not in valid]
        assert not unknown, f"{row['id']}: not a content section title: {unknown}"


def test_facts_are_copied_from_the_guide() -> None:
    text = _guide_text()
    lines = text.splitlines()
    for row in _questions():
        facts = row["facts"]
        assert isinstance(facts, list) and 1 <= len(facts) <= 3, f"{row['id']}: 1-3 facts"
        for fact in facts:
            assert isinstance(fact, str) and fact.strip(), f"{row['id']}: empty fact"
            assert fact in text, f"{row['id']}: fact not in the guide: {fact!r}"
            assert any(fact in line for line in lines), f"{row['id']}: fact spans lines: {fact!r}"
            assert "|" not in fact, f"{row['id']}: fact spans table cells: {fact!r}"


def test_facts_are_in_the_searchable_text_of_their_sections() -> None:
    # A fact only in a title line or the table of contents is never in a chunk, so no answer
    # could contain it.
    texts = {s.title: "\n".join(unit_text(u) for u in s.units) for s in _guide_document().sections}
    for row in _questions():
        for fact in row["facts"]:
            assert any(fact in texts.get(s, "") for s in row["sections"]), (
                f"{row['id']}: fact not in the text of {row['sections']}: {fact!r}"
            )


def test_questions_are_paraphrased() -> None:
    guide = _ngrams(_guide_text())
    for row in _questions() + _out_of_scope():
        copied = _ngrams(row["question"]) & guide
        assert not copied, f"{row['id']}: copies the guide: {' '.join(sorted(copied)[0])!r}"


def test_types_kinds_and_splits_are_allowed() -> None:
    for row in _questions():
        assert row["type"] in TYPES, f"{row['id']}: type {row['type']!r}"
        assert row["split"] in SPLITS, f"{row['id']}: split {row['split']!r}"
    for row in _out_of_scope():
        assert row["kind"] in KINDS, f"{row['id']}: kind {row['kind']!r}"
        assert row["split"] in SPLITS, f"{row['id']}: split {row['split']!r}"


def test_every_section_is_covered_in_both_splits() -> None:
    total: Counter[str] = Counter()
    per_split: Counter[tuple[str, str]] = Counter()
    for row in _questions():
        for section in row["sections"]:
            total[section] += 1
            per_split[(section, row["split"])] += 1
    for title in _content_titles():
        assert total[title] >= MIN_PER_SECTION, f"{title!r}: only {total[title]} questions"
        for split in sorted(SPLITS):
            count = per_split[(title, split)]
            assert count >= MIN_PER_SECTION_SPLIT, f"{title!r}: only {count} in {split}"


@pytest.mark.parametrize("rows", [_questions, _out_of_scope], ids=["questions", "out_of_scope"])
def test_split_is_balanced(rows: Rows) -> None:
    splits = Counter(row["split"] for row in rows())
    share = splits["dev"] / sum(splits.values())
    assert 0.4 <= share <= 0.6, f"dev share {share:.0%} is outside 40-60%"


def test_out_of_scope_mixes_everyday_and_near_misses() -> None:
    kinds = Counter(row["kind"] for row in _out_of_scope())
    for kind in sorted(KINDS):
        assert kinds[kind] >= len(_out_of_scope()) * 0.3, f"too few {kind} questions: {kinds}"


# The train split: written blind (see corpus/eval/README.md), used only by `guide-rag tune`.
TRAIN_QUESTIONS = EVAL_DIR / "train_questions.jsonl"
TRAIN_OUT_OF_SCOPE = EVAL_DIR / "train_out_of_scope.jsonl"
MIN_TRAIN_QUESTIONS = 400
MIN_TRAIN_OUT_OF_SCOPE = 100
# Cosine of all-MiniLM-L6-v2 (the base model, not the tuned one, which trained on these) at
# which two questions count as the same question reworded; README of corpus/eval says why.
NEAR_DUPLICATE = 0.85


@cache
def _train() -> list[dict[str, Any]]:
    return _read_jsonl(TRAIN_QUESTIONS)


@cache
def _train_out_of_scope() -> list[dict[str, Any]]:
    return _read_jsonl(TRAIN_OUT_OF_SCOPE)


def test_train_split_is_well_formed_and_large_enough() -> None:
    assert len(_train()) >= MIN_TRAIN_QUESTIONS
    assert len(_train_out_of_scope()) >= MIN_TRAIN_OUT_OF_SCOPE
    ids = [r["id"] for r in _train() + _train_out_of_scope()] + [r["id"] for r in _questions()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    valid = set(_content_titles())
    texts = {s.title: "\n".join(unit_text(u) for u in s.units) for s in _guide_document().sections}
    for row in _train():
        assert list(row) == QUESTION_KEYS and row["split"] == "train", row["id"]
        assert row["type"] in TYPES and set(row["sections"]) <= valid, row["id"]
        assert 1 <= len(row["facts"]) <= 3, row["id"]
        for fact in row["facts"]:
            assert any(fact in texts[s] for s in row["sections"]), f"{row['id']}: {fact!r}"
    for row in _train_out_of_scope():
        assert list(row) == OUT_OF_SCOPE_KEYS and row["split"] == "train", row["id"]
        assert row["kind"] in KINDS, row["id"]


def test_train_questions_cover_every_section_and_are_paraphrased() -> None:
    covered = Counter(s for row in _train() for s in row["sections"])
    assert all(covered[title] >= 10 for title in _content_titles()), covered
    guide = _ngrams(_guide_text())
    copied = [r["id"] for r in _train() + _train_out_of_scope() if _ngrams(r["question"]) & guide]
    assert copied == []


@pytest.mark.model
def test_no_train_question_repeats_a_dev_or_test_question() -> None:
    from retriever.embedding import ModelFiles
    from retriever.embedding.torch_backend import TorchEmbedder
    from retriever.limits import BASE_MODEL

    held_out = [r["question"] for r in _questions() + _out_of_scope()]
    train = [r["question"] for r in _train() + _train_out_of_scope()]
    normalized = {" ".join(WORD.findall(q.casefold())) for q in held_out}
    assert [q for q in train if " ".join(WORD.findall(q.casefold())) in normalized] == []
    model = TorchEmbedder(ModelFiles.of(BASE_MODEL))
    similarity = model.encode(train) @ model.encode(held_out).T
    close = [
        (train[i], held_out[int(similarity[i].argmax())], round(float(similarity[i].max()), 3))
        for i in range(len(train))
        if similarity[i].max() >= NEAR_DUPLICATE
    ]
    assert close == []
