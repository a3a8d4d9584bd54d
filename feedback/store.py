"""What a feedback store is: one verdict per row, appended, never changed; read back in order.

Two stores implement it: SQLite, one file per process (feedback/sqlite.py), and PostgreSQL,
shared by replicas (feedback/postgres.py); `feedback.open.open_store` picks one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from retriever.errors import GuideRagError
from retriever.types import Citation

VerdictKind = Literal["helpful", "not_helpful"]
# The columns every store keeps, in this order (ids and timestamps are the store's own).
COLUMNS = "answer_id, verdict, question, answer, citations, chosen, build_id, model"


class FeedbackFullError(GuideRagError):
    """The store holds its row cap; nothing more is written."""


class FeedbackUnavailableError(GuideRagError):
    """The store cannot be reached (a database down or refusing); nothing was written.

    The message is for anyone (HTTP clients too); `reason` is the database's own words, for the
    operator: the server logs it, the CLI prints it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__("the feedback database is unavailable; retry in a few seconds")
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    answer_id: str
    verdict: VerdictKind
    question: str
    answer: str
    citations: tuple[Citation, ...]
    chosen: int | None  # the citation n the reader says answered
    build_id: str
    model: str

    def citations_json(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.citations]

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Verdict:
        """A row of COLUMNS; citations as JSON text (SQLite) or already parsed (PostgreSQL)."""
        answer_id, verdict, question, answer, citations, chosen, build_id, model = row
        parsed = json.loads(citations) if isinstance(citations, str) else citations
        return cls(
            answer_id=answer_id, verdict=verdict, question=question, answer=answer,
            citations=tuple(Citation.from_dict(c) for c in parsed), chosen=chosen,
            build_id=build_id, model=model,
        )  # fmt: skip


class FeedbackStore(Protocol):
    def add(self, v: Verdict) -> int:
        """Append one committed verdict and return its id; FeedbackFullError at the row cap,
        FeedbackUnavailableError when the store cannot be reached."""
        ...

    def rows(self) -> Iterator[Verdict]:
        """Every verdict, oldest first."""
        ...

    def close(self) -> None:
        """Let go of files and connections; a later call opens them again."""
        ...


def full(max_rows: int) -> FeedbackFullError:
    return FeedbackFullError(
        f"the feedback store holds its cap of {max_rows} verdicts "
        "(GUIDE_RAG_FEEDBACK_MAX_ROWS): export and archive it to take more"
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
