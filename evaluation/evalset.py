"""The project's retrieval test set (`corpus/eval/`): in-scope questions and out-of-scope ones."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from evaluation.errors import EvalSetError

Split = Literal["dev", "test", "all", "train"]  # all: dev and test, never train
QUESTIONS = "questions.jsonl"
OUT_OF_SCOPE = "out_of_scope.jsonl"
# The train split, written apart from dev and test by authors who saw neither (README there).
TRAIN_QUESTIONS = "train_questions.jsonl"
TRAIN_OUT_OF_SCOPE = "train_out_of_scope.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    id: str
    question: str
    sections: tuple[str, ...]
    facts: tuple[str, ...]
    split: str
    type: str
    # The guide whose sections answer it ("": any guide; one guide in an index of many).
    document: str = ""

    def answers(self, document: str, section: str) -> bool:
        """A passage of this guide and section answers the question."""
        return section in self.sections and (not self.document or document == self.document)


@dataclass(frozen=True, slots=True, kw_only=True)
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
            return EvalSet(
                tuple(q for q in self.questions if q.split != "train"),
                tuple(q for q in self.out_of_scope if q.split != "train"),
            )
        return EvalSet(
            tuple(q for q in self.questions if q.split == name),
            tuple(q for q in self.out_of_scope if q.split == name),
        )

    def of(self, document: str, prefix: str = "") -> EvalSet:
        """The same questions, answered by `document` alone, their ids prefixed."""
        return EvalSet(
            tuple(replace(q, id=prefix + q.id, document=document) for q in self.questions),
            tuple(replace(o, id=prefix + o.id) for o in self.out_of_scope),
        )

    def digest(self) -> str:
        """Changes whenever any question, label or split changes."""
        rows = [asdict(q) for q in self.questions] + [asdict(o) for o in self.out_of_scope]
        return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def _lines(path: Path, required: bool = True) -> list[dict[str, Any]]:
    if not required and not path.exists():
        return []
    try:
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        raise EvalSetError(f"no eval set at {path}: see corpus/eval/README.md") from None
    except (OSError, ValueError) as exc:
        raise EvalSetError(f"{path} is not valid JSON lines ({exc})") from exc
    if not all(isinstance(r, dict) for r in rows):
        raise EvalSetError(f"{path}: every line must be a JSON object")
    return rows


def _question(r: dict[str, Any]) -> Question:
    if not isinstance(r["sections"], list) or not isinstance(r["facts"], list):
        raise TypeError(f"{r.get('id', '?')}: sections and facts must be lists")
    return Question(
        id=str(r["id"]),
        question=str(r["question"]),
        sections=tuple(map(str, r["sections"])),
        facts=tuple(map(str, r["facts"])),
        split=str(r["split"]),
        type=str(r.get("type", "")),
    )


def read_questions(path: Path) -> tuple[Question, ...]:
    """Questions in the eval set's format from any file (e.g. a feedback export)."""
    try:
        return tuple(_question(r) for r in _lines(path))
    except (KeyError, TypeError) as exc:
        raise EvalSetError(f"{path}: a line lacks field {exc}; see corpus/eval/README.md") from exc


def load_eval_set(eval_dir: Path, *, train: bool = True) -> EvalSet:
    """The questions of a folder: questions.jsonl and out_of_scope.jsonl, and the train split's
    files when `train` and they exist."""
    extra = (TRAIN_QUESTIONS, TRAIN_OUT_OF_SCOPE) if train else ()
    try:
        questions = tuple(
            _question(r)
            for name in (QUESTIONS, *extra[:1])
            for r in _lines(eval_dir / name, required=name == QUESTIONS)
        )
        out = tuple(
            OutOfScope(
                id=str(r["id"]),
                question=str(r["question"]),
                kind=str(r.get("kind", "")),
                split=str(r["split"]),
            )
            for name in (OUT_OF_SCOPE, *extra[1:])
            for r in _lines(eval_dir / name, required=name == OUT_OF_SCOPE)
        )
    except (KeyError, TypeError) as exc:
        raise EvalSetError(
            f"{eval_dir}: a line lacks field {exc}; see corpus/eval/README.md for the format"
        ) from exc
    return EvalSet(questions, out)
