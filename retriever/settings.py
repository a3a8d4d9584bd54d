"""One settings object, read from GUIDE_RAG_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GUIDE_RAG_", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = Field(
        default=DEFAULT_MODEL,
        description="sentence-transformers model name or path; the default is the bundled copy.",
    )
    min_score: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description=(
            "Best cosine score under which /ask abstains; unset = the value calibrated at ingest."
        ),
    )
    retriever: Literal["dense", "bm25", "hybrid"] = "hybrid"
    max_chunk_tokens: int = Field(default=128, ge=16, le=256)
    reload_seconds: float = Field(
        default=2.0, ge=0, description="How often the server looks for a new index; 0 = never."
    )
    max_body_bytes: int = Field(default=16_384, ge=1024, description="Larger bodies get 413.")
    max_concurrency: int = Field(
        default=64, ge=1, description="Requests in flight beyond which /ask and /search get 503."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description='Origins allowed by CORS, e.g. ["https://a.example"].'
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Enables POST /admin/reload for callers sending this token."
    )

    @field_validator("corpus_dir", "index_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Resolved once, against the directory the process was started in.
        return value.expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()
