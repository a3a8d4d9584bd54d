"""Write-side settings: the core settings plus where guides live and how big a chunk may be."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from retriever.settings import Settings


class IngestSettings(Settings):
    corpus_dir: Path = Field(
        default=Path("corpus"), description="Where `ingest` looks for guides (and eval/)."
    )
    max_chunk_tokens: int = Field(default=128, ge=16, le=256)

    @field_validator("corpus_dir")
    @classmethod
    def _absolute_corpus(cls, value: Path) -> Path:
        return value.expanduser().resolve()


@lru_cache
def get_ingest_settings() -> IngestSettings:
    return IngestSettings()
