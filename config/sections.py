"""The sections of the settings: one small model per concern, each field a GUIDE_RAG_<FIELD>
variable (config/settings.py reads them)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from retriever.limits import BASE_MODEL, Backend, Mode


def default_home() -> Path:
    """The checkout this code runs from (an editable install), else a per-user data folder."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "retriever").is_dir():
        return checkout
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "guide-rag"


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _absolute(value: Path | None) -> Path | None:
    # Given paths are the user's: relative ones mean the current directory, resolved once.
    return value.expanduser().resolve() if value is not None else None


class Paths(Section):
    home: Path = Field(default_factory=default_home, description="Where unset paths live.")
    corpus_dir: Path | None = Field(default=None, description="Guides to ingest (home/corpus).")
    index_dir: Path | None = Field(default=None, description="Published index (home/index).")
    models_dir: Path | None = Field(
        default=None, description="Adapted models and their ONNX exports (home/models)."
    )
    eval_dir: Path | None = Field(default=None, description="The eval set (corpus/eval).")
    reports_dir: Path | None = Field(default=None, description="Eval reports (home/reports).")
    bundle: Path | None = Field(
        default=None,
        description="Serve this bundle (a folder or .tar from `guide-rag bundle`), read-only.",
    )

    _resolve = field_validator("*")(classmethod(lambda cls, v: _absolute(v)))

    @property
    def corpus(self) -> Path:
        return self.corpus_dir or self.home / "corpus"

    @property
    def index(self) -> Path:
        return self.index_dir or self.home / "index"

    @property
    def models(self) -> Path:
        return self.models_dir or self.home / "models"

    @property
    def eval(self) -> Path:
        return self.eval_dir or self.corpus / "eval"

    @property
    def reports(self) -> Path:
        return self.reports_dir or self.home / "reports"

    @property
    def var(self) -> Path:
        return self.home / "var"


class ModelSection(Section):
    model: str = Field(
        default="auto",
        description=(
            "What ingest embeds with: `auto` (the adapted model when there is one, else the base "
            f"model), {BASE_MODEL} (the bundled base model) or a sentence-transformers folder."
        ),
    )
    base_model: str = Field(default=BASE_MODEL, description="The model tuning starts from.")
    backend: Backend = Field(
        default="onnx",
        description="What runs the model: ONNX Runtime (no torch) or sentence-transformers.",
    )
    threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "ONNX threads per served question: on 2 cores, two requests each on one core beat "
            "two requests fighting over both."
        ),
    )
    micro_batch: int = Field(
        default=8,
        ge=1,
        le=32,
        description=(
            "Questions of concurrent requests encoded in one model call, at most (1: each "
            "alone). One call per core at a time either way."
        ),
    )


class RetrievalSection(Section):
    # Dense and BM25 fused, chosen on the dev guides and the shipped guide's dev split: dense
    # alone had won on one guide's dev split, not on guides nobody wrote questions for.
    retriever: Mode = "hybrid"
    min_score: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description="Best cosine under which /ask abstains; unset = the build's calibration.",
    )


class IngestSection(Section):
    max_chunk_tokens: int = Field(default=128, ge=16, le=256)
    follow_symlinks: bool = Field(
        default=False,
        description="Read symlinks that point outside the folder or file named (off: skipped).",
    )
    # What one guide may cost (ingest/budgets.py); unset = the measured default there.
    max_part_bytes: int | None = Field(
        default=None, ge=1, description="Unpacked bytes of one .docx part or PDF stream."
    )
    max_guide_chars: int | None = Field(default=None, ge=1)
    max_sections: int | None = Field(default=None, ge=1)
    max_chunks: int | None = Field(default=None, ge=1)
    max_pdf_pages: int | None = Field(default=None, ge=1)
    max_pdf_shapes: int | None = Field(
        default=None, ge=1, description="Lines, rectangles, curves on one PDF page."
    )
    file_seconds: float | None = Field(
        default=None, gt=0, description="Wall time to read and parse one guide."
    )
    embed_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=256,
        description="Threads that embed guides at ingest (all cores; serving has its own).",
    )
    embed_batch: int = Field(
        default=32,
        ge=1,
        le=256,
        description=(
            "Texts per model call at ingest, sorted by length (bench/ingest.py: 8 to 64 within "
            "5% of each other on 2 cores)."
        ),
    )


class TuneSection(Section):
    tuned_dir: Path | None = Field(
        default=None, description="Where `guide-rag tune` writes its model (models/tuned)."
    )
    # Chosen on the dev guides and the shipped guide's dev split (docs/tuning.md); recorded in
    # the model's card.
    epochs: int = Field(default=2, ge=1, le=20, description="Epochs of the general stage.")
    adapt_epochs: int = Field(default=1, ge=1, le=20, description="Epochs of the adaptation.")
    learning_rate: float = Field(default=5e-5, gt=0, le=1e-3)
    batch_size: int = Field(default=16, ge=2, le=256)
    seed: int = 42

    _resolve = field_validator("tuned_dir")(classmethod(lambda cls, v: _absolute(v)))


class ServerSection(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    reload_seconds: float = Field(
        default=2.0, ge=0, description="How often the server looks for a new index; 0 = never."
    )
    max_body_bytes: int = Field(
        default=16_384,
        ge=1024,
        description="/ask, /search, /feedback, /mcp: larger bodies get 413.",
    )
    max_chat_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description=(
            "/v1/chat/completions, which gets the whole conversation every turn: larger bodies "
            "get 413 (bench/chat.py: a 100-turn chat of full answers is 68 KB)."
        ),
    )
    worker_threads: int = Field(
        default=32,
        ge=1,
        le=64,
        description=(
            "Threads that run /ask and /search (a request on the server's only connection runs "
            "on the event loop): enough that questions queue at the model, "
            "where micro-batching combines them (bench/load.py, docs/benchmarks.md)."
        ),
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
        default=None, description="When set, /v1/* requires `Authorization: Bearer <key>`."
    )


class FeedbackSection(Section):
    feedback_url: SecretStr | None = Field(
        default=None,
        description=(
            "postgresql://user:password@host:port/db: verdicts go to this PostgreSQL database, "
            "which every replica shares; unset = the SQLite file feedback_db."
        ),
    )
    feedback_db: Path | None = Field(
        default=None,
        description="SQLite file of readers' verdicts (home/var/feedback.sqlite3).",
    )
    feedback_max_rows: int = Field(
        default=100_000, ge=1, description="Beyond this many rows POST /feedback answers 507."
    )
    feedback_threads: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Threads (and PostgreSQL connections kept) that write feedback.",
    )
    feedback_per_second: float = Field(
        default=20.0, gt=0, description="POST /feedback beyond this rate (burst 2x) gets 429."
    )

    _resolve = field_validator("feedback_db")(classmethod(lambda cls, v: _absolute(v)))

    @field_validator("feedback_url")
    @classmethod
    def _postgres(cls, value: SecretStr | None) -> SecretStr | None:
        url = value.get_secret_value() if value is not None else ""
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (unset it to store in SQLite)")
        return value if url else None
