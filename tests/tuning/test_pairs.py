"""Training pairs follow the guide's text (no model)."""

from __future__ import annotations

from evaluation.evalset import Question
from retriever.types import Chunk
from tuning.pairs import training_pairs


def chunk(cid: str, text: str) -> Chunk:
    return Chunk(cid, "d", "D", "S", 0, "paragraph", text, (0, 1), "d.txt", f"S\n{text}")


def question(qid: str, *facts: str) -> Question:
    return Question(qid, f"question {qid}?", ("S",), facts, "train", "fact")


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
