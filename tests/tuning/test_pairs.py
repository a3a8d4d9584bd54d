"""Training pairs follow the guide's text (no model)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from evaluation.evalset import Question
from ingest.build import load_guides
from ingest.chunking import chunk_document
from ingest.discovery import discover
from retriever.embedding import TokenCounter
from retriever.types import Chunk
from tests.helpers import GUIDE, make_chunk, real_settings_for
from tuning.pairs import training_pairs
from tuning.plan import plan


def chunk(cid: str, text: str) -> Chunk:
    return make_chunk(cid, text, embed_text=f"S\n{text}")


def question(qid: str, *facts: str) -> Question:
    return Question(
        id=qid,
        question=f"question {qid}?",
        sections=("S",),
        facts=facts,
        split="train",
        type="fact",
    )


def test_every_chunk_holding_a_fact_is_a_positive_and_orphans_are_reported() -> None:
    chunks = [chunk("a", "Entry level pay is $90,000."), chunk("b", "Senior pay is $150,000.")]
    pairs = training_pairs(
        [question("t1", "$90,000"), question("t2", "$90,000", "$150,000"), question("t3", "gone")],
        chunks,
    )
    assert [(p.question, p.chunk_id) for p in pairs.pairs] == [
        ("question t1?", "a"),
        ("question t2?", "a"),
        ("question t2?", "b"),
    ]
    assert pairs.pairs[0].positive == "S\nEntry level pay is $90,000."  # as the model embeds it
    assert [q.id for q in pairs.skipped] == ["t3"] and pairs.questions == 2


def test_every_chunk_of_the_guide_is_the_positive_of_several_train_questions() -> None:
    # The train split covers every paragraph, list item, table row and FAQ pair of the guide.
    settings = real_settings_for(Path("/nonexistent"))
    p = plan(settings)
    positives = Counter(pair.chunk_id for pair in p.general.pairs)
    docs, _ = load_guides(discover([GUIDE]), strict=True)
    count = TokenCounter(p.base.tokenizer())
    chunks = chunk_document(docs[0], count, settings.ingest.max_chunk_tokens)
    assert min(positives[c.id] for c in chunks) >= 3
    assert p.general.skipped == ()
