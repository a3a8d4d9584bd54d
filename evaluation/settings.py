"""Evaluation settings: the core settings plus where the eval set and the reports live."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from retriever.settings import Settings


class EvalSettings(Settings):
    eval_dir: Path = Field(
        default=Path("corpus/eval"),
        description="The eval set: questions.jsonl and out_of_scope.jsonl (see its README).",
    )
    reports_dir: Path = Field(default=Path("reports"), description="Where eval writes reports.")

    @field_validator("eval_dir", "reports_dir")
    @classmethod
    def _absolute_dirs(cls, value: Path) -> Path:
        return value.expanduser().resolve()


@lru_cache
def get_eval_settings() -> EvalSettings:
    return EvalSettings()
