"""Server settings: the core settings plus what only HTTP needs (GUIDE_RAG_* as well)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr

from feedback.settings import FeedbackSettings


class ServerSettings(FeedbackSettings):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    reload_seconds: float = Field(
        default=2.0, ge=0, description="How often the server looks for a new index; 0 = never."
    )
    max_body_bytes: int = Field(default=16_384, ge=1024, description="Larger bodies get 413.")
    worker_threads: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Threads that run /ask and /search (bench/load.py measured 4 on 2 cores).",
    )
    max_concurrency: int = Field(
        default=64, ge=1, description="Requests in flight beyond which /ask and /search get 503."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description='Origins allowed by CORS, e.g. ["https://a.example"].'
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Enables POST /admin/reload for callers sending this token."
    )
    api_key: SecretStr | None = Field(
        default=None,
        description="When set, /v1/* requires `Authorization: Bearer <key>` (OpenAI clients).",
    )
    feedback_per_second: float = Field(
        default=20.0, gt=0, description="POST /feedback beyond this rate (burst 2x) gets 429."
    )


@lru_cache
def get_server_settings() -> ServerSettings:
    return ServerSettings()
