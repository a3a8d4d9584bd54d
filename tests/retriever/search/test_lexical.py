"""The question's BM25 terms are the ones the index was built with (no model)."""

from __future__ import annotations

import json

from retriever.search.lexical import query_terms, tokenize
from tests.helpers import EVAL_DIR, GUIDE


def test_query_terms_are_bm25s_tokens_of_every_line_and_question() -> None:
    lines = [line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((EVAL_DIR / "guides").rglob("*.md")):
        lines += path.read_text(encoding="utf-8").splitlines()
    with (EVAL_DIR / "questions.jsonl").open(encoding="utf-8") as rows:
        lines += [json.loads(row)["question"] for row in rows if row.strip()]
    lines += ["", "a I", "Ünïcode café naïve résumés", "C++ / C#: 10x 2025's", "tl;dr"]
    assert len(lines) > 2000
    assert [query_terms(line) for line in lines] == tokenize(lines)
