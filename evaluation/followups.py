"""Follow-up conversations (`corpus/eval/followups.jsonl`): is the last turn answered, with the
chat's earlier questions as history and without them?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvalSetError
from retriever.qa import QA

FOLLOWUPS = "followups.jsonl"


@dataclass(frozen=True, slots=True)
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
        return [
            Conversation(
                str(r["id"]),
                tuple(map(str, r["turns"])),
                tuple(map(str, r["sections"])),
                tuple(map(str, r["facts"])),
                str(r["split"]),
                str(r.get("kind", "")),
            )
            for r in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise EvalSetError(f"{path} is malformed ({exc}): see corpus/eval/README.md") from exc


def evaluate_followups(qa: QA, conversations: list[Conversation]) -> dict[str, float]:
    """Answer facts on the last turn, asked with its history and alone."""

    def answered(c: Conversation, history: tuple[str, ...]) -> bool:
        answer = qa.ask(c.turns[-1], history=history)
        return not answer.abstained and any(f in answer.text for f in c.facts)

    n = len(conversations) or 1
    return {
        "conversations": float(len(conversations)),
        "answer_facts_with_history": sum(answered(c, c.turns[:-1]) for c in conversations) / n,
        "answer_facts_without_history": sum(answered(c, ()) for c in conversations) / n,
    }
