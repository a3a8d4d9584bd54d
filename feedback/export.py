"""`guide-rag feedback export`: helpful verdicts as training questions, the rest for review.

A helpful answer pairs its question with the passage the reader pointed at (or the first one
cited); the pair is written in the train split's format, with the passage's longest sentence as
the fact, so `guide-rag tune --extra` finds that passage again whatever the index holds then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedback.store import FeedbackStore, Verdict
from retriever.text import split_sentences

TRAIN = "feedback_train.jsonl"
REVIEW = "feedback_review.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportReport:
    train: Path
    review: Path
    helpful: int
    not_helpful: int

    def to_dict(self) -> dict[str, Any]:
        return {"train": str(self.train), "review": str(self.review),
                "helpful": self.helpful, "not_helpful": self.not_helpful}  # fmt: skip


def training_row(n: int, v: Verdict) -> dict[str, Any] | None:
    cited = {c.n: c for c in v.citations}
    chosen = cited.get(v.chosen or 1) or next(iter(cited.values()), None)
    if chosen is None:
        return None
    sentences = split_sentences(chosen.text)
    if not sentences:
        return None
    fact = max(sentences, key=len)
    return {"id": f"fb{n:04d}", "question": v.question, "sections": [chosen.section],
            "facts": [fact], "split": "train", "type": "fact"}  # fmt: skip


def export(store: FeedbackStore, out_dir: Path) -> ExportReport:
    out_dir.mkdir(parents=True, exist_ok=True)
    train_rows: list[dict[str, Any]] = []
    review_rows: list[dict[str, Any]] = []
    for verdict in store.rows():
        if verdict.verdict == "helpful":
            row = training_row(len(train_rows) + 1, verdict)
            if row is not None:
                train_rows.append(row)
        else:
            review_rows.append({"answer_id": verdict.answer_id, "question": verdict.question,
                                "answer": verdict.answer,
                                "citations": [c.to_dict() for c in verdict.citations],
                                "build_id": verdict.build_id, "model": verdict.model})  # fmt: skip
    train, review = out_dir / TRAIN, out_dir / REVIEW
    _write(train, train_rows)
    _write(review, review_rows)
    return ExportReport(
        train=train, review=review, helpful=len(train_rows), not_helpful=len(review_rows)
    )


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    tmp.replace(path)
