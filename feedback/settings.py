"""Where feedback is stored and how much of it may be."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from retriever.settings import Settings


class FeedbackSettings(Settings):
    feedback_db: Path = Field(
        default=Path("var/feedback.sqlite3"),
        description="SQLite file of readers' verdicts (the only place questions are stored).",
    )
    feedback_max_rows: int = Field(
        default=100_000, ge=1, description="Beyond this many rows POST /feedback answers 507."
    )

    @field_validator("feedback_db")
    @classmethod
    def _absolute_db(cls, value: Path) -> Path:
        return value.expanduser().resolve()


@lru_cache
def get_feedback_settings() -> FeedbackSettings:
    return FeedbackSettings()
