"""Follow-up conversations (`corpus/eval/followups.jsonl`): is the last turn answered as it is
meant in the chat?

Three kinds of last turn: a follow-up that leans on the earlier turns (answered with its facts),
a topic switch that stands alone (answered as if asked alone), and a follow-up the guide does
not answer (abstained).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluation.errors import EvalSetError
from retriever.qa import QA

FOLLOWUPS = "followups.jsonl"
TRAIN_FOLLOWUPS = "train_followups.jsonl"
SWITCH = "switch"
UNANSWERABLE = "unanswerable"


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    id: str
    turns: tuple[str, ...]  # user questions, oldest first; the last one is graded
    sections: tuple[str, ...]
    facts: tuple[str, ...]
    split: str
    kind: str  # what_about, ellipsis, pronoun, why, …, switch, unanswerable (eval README)

    @property
    def leans_back(self) -> bool:
        return self.kind not in (SWITCH, UNANSWERABLE)


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowupScores:
    conversations: int
    followups: int  # last turns that lean on the earlier ones
    with_history: float  # …answered with their facts, read with the chat
    without_history: float  # …answered with their facts, asked alone
    switches: int
    switches_answered: float  # topic switches answered with their facts, in the chat
    switches_alone: float  # the same questions asked alone
    unanswerable: int
    unanswerable_abstained: float

    def to_dict(self) -> dict[str, float]:
        return {
            "conversations": self.conversations,
            "followups": self.followups,
            "answer_facts_with_history": self.with_history,
            "answer_facts_without_history": self.without_history,
            "switches": self.switches,
            "switches_answered": self.switches_answered,
            "switches_alone": self.switches_alone,
            "unanswerable": self.unanswerable,
            "unanswerable_abstained": self.unanswerable_abstained,
        }


def load_followups(eval_dir: Path, name: str = FOLLOWUPS) -> list[Conversation]:
    """The conversations, or none when the eval set has no such file."""
    path = eval_dir / name
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


def evaluate_followups(qa: QA, conversations: Sequence[Conversation]) -> FollowupScores:
    """Each last turn asked with its chat's earlier questions, and alone."""

    def answered(c: Conversation, history: tuple[str, ...]) -> bool:
        answer = qa.ask(c.turns[-1], history=history)
        return not answer.abstained and any(f in answer.text for f in c.facts)

    def share(hits: Sequence[bool]) -> float:
        return sum(hits) / len(hits) if hits else 0.0

    leaning = [c for c in conversations if c.leans_back]
    switches = [c for c in conversations if c.kind == SWITCH]
    unanswerable = [c for c in conversations if c.kind == UNANSWERABLE]
    return FollowupScores(
        conversations=len(conversations),
        followups=len(leaning),
        with_history=share([answered(c, c.turns[:-1]) for c in leaning]),
        without_history=share([answered(c, ()) for c in leaning]),
        switches=len(switches),
        switches_answered=share([answered(c, c.turns[:-1]) for c in switches]),
        switches_alone=share([answered(c, ()) for c in switches]),
        unanswerable=len(unanswerable),
        unanswerable_abstained=share(
            [qa.ask(c.turns[-1], history=c.turns[:-1]).abstained for c in unanswerable]
        ),
    )
