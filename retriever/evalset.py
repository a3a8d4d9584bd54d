"""The project's retrieval test set (`corpus/eval/`): in-scope questions and out-of-scope ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from retriever.errors import CorpusError

Split = Literal["dev", "test", "all"]
QUESTIONS = "questions.jsonl"
OUT_OF_SCOPE = "out_of_scope.jsonl"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    sections: tuple[str, ...]
    facts: tuple[str, ...]
    split: str
    type: str


@dataclass(frozen=True, slots=True)
class OutOfScope:
    id: str
    question: str
    kind: str
    split: str


@dataclass(frozen=True, slots=True)
class EvalSet:
    questions: tuple[Question, ...]
    out_of_scope: tuple[OutOfScope, ...]

    def split(self, name: Split) -> EvalSet:
        if name == "all":
            return self
        return EvalSet(
            tuple(q for q in self.questions if q.split == name),
            tuple(q for q in self.out_of_scope if q.split == name),
        )


def _lines(path: Path) -> list[dict[str, object]]:
    try:
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        raise CorpusError(f"no eval set at {path}: see corpus/eval/README.md") from None
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path} is not valid JSON lines ({exc})") from exc


def load_eval_set(eval_dir: Path) -> EvalSet:
    questions = tuple(
        Question(
            id=str(r["id"]),
            question=str(r["question"]),
            sections=tuple(r["sections"]),  # type: ignore[arg-type]
            facts=tuple(r["facts"]),
            split=str(r["split"]),
            type=str(r.get("type", "")),  # type: ignore[arg-type]
        )
        for r in _lines(eval_dir / QUESTIONS)
    )
    out = tuple(
        OutOfScope(str(r["id"]), str(r["question"]), str(r.get("kind", "")), str(r["split"]))
        for r in _lines(eval_dir / OUT_OF_SCOPE)
    )
    return EvalSet(questions, out)
