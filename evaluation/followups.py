"""Follow-up conversations (`corpus/eval/followups.jsonl`): is the last turn answered, with the
chat's earlier questions as history and without them?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvalSetError
from retriever.qa import QA

FOLLOWUPS = "followups.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowupScores:
    """Answer facts on the last turn of each conversation, with its history and alone."""

    conversations: int
    with_history: float
    without_history: float

    def to_dict(self) -> dict[str, float]:
        return {
            "conversations": self.conversations,
            "answer_facts_with_history": self.with_history,
            "answer_facts_without_history": self.without_history,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    id: str
    turns: tuple[str, ...]  # user questions, oldest first; the last one is graded
    sections: tuple[str, ...]
    facts: tuple[str, ...]
    split: str
    kind: str  # ellipsis | pronoun | topic


def load_followups(eval_dir: Path) -> list[Conversation]:
    """The conversations, or none when the eval set has no follow-up file."""
    path = eval_dir / FOLLOWUPS
    if not path.is_file():
        return []
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        for r in rows:
            for key in ("turns", "sections", "facts"):
                if not isinstance(r[key], list):
                    raise TypeError(f"{r.get('id', '?')}: {key} must be a list")
        return [
            Conversation(
                id=str(r["id"]),
                turns=tuple(map(str, r["turns"])),
                sections=tuple(map(str, r["sections"])),
                facts=tuple(map(str, r["facts"])),
                split=str(r["split"]),
                kind=str(r.get("kind", "")),
            )
            for r in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise EvalSetError(f"{path} is malformed ({exc}): see corpus/eval/README.md") from exc


def evaluate_followups(qa: QA, conversations: list[Conversation]) -> FollowupScores:
    """Answer facts on the last turn, asked with its history and alone."""

    def answered(c: Conversation, history: tuple[str, ...]) -> bool:
        answer = qa.ask(c.turns[-1], history=history)
        return not answer.abstained and any(f in answer.text for f in c.facts)

    n = len(conversations) or 1
    return FollowupScores(
        conversations=len(conversations),
        with_history=sum(answered(c, c.turns[:-1]) for c in conversations) / n,
        without_history=sum(answered(c, ()) for c in conversations) / n,
    )
