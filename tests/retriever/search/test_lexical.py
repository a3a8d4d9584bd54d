"""The question's BM25 terms are the ones the index was built with (no model)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from retriever.search import lexical
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


def test_query_terms_from_many_threads_at_once_are_those_of_one() -> None:
    # Requests read their questions on many threads; a PyStemmer stemmer is one thread's.
    lines = [line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]
    alone = [query_terms(line) for line in lines]
    start = threading.Barrier(8)

    def read() -> list[list[str]]:
        start.wait()
        return [query_terms(line) for line in lines]

    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda _: read(), range(8)))
    assert all(terms == alone for terms in together)


def test_a_request_thread_keeps_no_words_it_stemmed() -> None:
    # One stemmer per request thread, each caching 10,000 words by default: a server asked
    # unique questions grew by about 3 MB every 10,000 requests (docs/benchmarks.md).
    def stemmer_of_a_new_thread() -> Any:
        query_terms("how much do entry-level AI engineers earn?")
        return lexical._THREAD.stem.__self__

    with ThreadPoolExecutor(max_workers=1) as pool:
        stemmer = pool.submit(stemmer_of_a_new_thread).result()
    assert stemmer.maxCacheSize == 0
