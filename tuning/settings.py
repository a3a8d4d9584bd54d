"""Tuning settings: where guides, eval set and the tuned model live, and the training recipe."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from evaluation.settings import EvalSettings
from ingest.settings import IngestSettings
from retriever.settings import BASE_MODEL, TUNED_MODEL


class TuneSettings(IngestSettings, EvalSettings):
    base_model: str = Field(default=BASE_MODEL, description="The model tuning starts from.")
    tuned_dir: Path = Field(
        default=Path(TUNED_MODEL), description="Where the tuned model is written (git-ignored)."
    )
    # Chosen on the dev split (README, "Tuning"); recorded in the model's card.
    epochs: int = Field(default=2, ge=1, le=20)
    learning_rate: float = Field(default=5e-5, gt=0, le=1e-3)
    batch_size: int = Field(default=16, ge=2, le=256)
    seed: int = 42

    @field_validator("tuned_dir")
    @classmethod
    def _absolute_tuned(cls, value: Path) -> Path:
        return value.expanduser().resolve()


@lru_cache
def get_tune_settings() -> TuneSettings:
    return TuneSettings()
