"""The one settings object: every GUIDE_RAG_* variable, read once, grouped in sections.

Variables keep their flat names (GUIDE_RAG_PORT, GUIDE_RAG_INDEX_DIR, …): each field name is
unique across sections, and `FlatEnv` routes GUIDE_RAG_<FIELD> to the section that owns it.
Paths left unset live under `home`, which never depends on the current directory: the
checkout this code runs from, else GUIDE_RAG_HOME, else ~/.local/share/guide-rag.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from retriever.limits import BASE_MODEL, Backend, Mode

if TYPE_CHECKING:
    from retriever.qa import Serving

PREFIX = "GUIDE_RAG_"


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


class RetrievalSection(Section):
    # Dense alone, chosen on dev (docs/evaluation.md).
    retriever: Mode = "dense"
    min_score: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description="Best cosine under which /ask abstains; unset = the build's calibration.",
    )


class IngestSection(Section):
    max_chunk_tokens: int = Field(default=128, ge=16, le=256)
    embed_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=256,
        description="Threads that embed guides at ingest (all cores; serving has its own).",
    )


class TuneSection(Section):
    tuned_dir: Path | None = Field(
        default=None, description="Where `guide-rag tune` writes its model (models/tuned)."
    )
    epochs: int = Field(default=2, ge=1, le=20)
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
        default=None, description="When set, /v1/* requires `Authorization: Bearer <key>`."
    )


class FeedbackSection(Section):
    feedback_db: Path | None = Field(
        default=None,
        description="SQLite file of readers' verdicts (home/var/feedback.sqlite3).",
    )
    feedback_max_rows: int = Field(
        default=100_000, ge=1, description="Beyond this many rows POST /feedback answers 507."
    )
    feedback_per_second: float = Field(
        default=20.0, gt=0, description="POST /feedback beyond this rate (burst 2x) gets 429."
    )

    _resolve = field_validator("feedback_db")(classmethod(lambda cls, v: _absolute(v)))


class FlatEnv(PydanticBaseSettingsSource):
    """GUIDE_RAG_<FIELD> for every field of every section, read from the environment once."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads everything at once

    def __call__(self) -> dict[str, Any]:
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(PREFIX)}
        out: dict[str, dict[str, Any]] = {}
        for section, info in self.settings_cls.model_fields.items():
            model = info.annotation
            assert isinstance(model, type) and issubclass(model, Section)
            for name, sub in model.model_fields.items():
                raw = env.get(PREFIX + name.upper())
                if raw is None:
                    continue
                complex_ = get_origin(sub.annotation) in (list, dict)
                out.setdefault(section, {})[name] = json.loads(raw) if complex_ else raw
        return out


class Settings(BaseSettings):
    """Every setting of guide-rag; build it with `load()` or `Settings().override(...)`."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    paths: Paths = Field(default_factory=Paths)
    model: ModelSection = Field(default_factory=ModelSection)
    retrieval: RetrievalSection = Field(default_factory=RetrievalSection)
    ingest: IngestSection = Field(default_factory=IngestSection)
    tune: TuneSection = Field(default_factory=TuneSection)
    server: ServerSection = Field(default_factory=ServerSection)
    feedback: FeedbackSection = Field(default_factory=FeedbackSection)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, FlatEnv(settings_cls)

    def override(self, **flat: Any) -> Settings:
        """A copy with some fields replaced by their flat names (`index_dir=…, port=…`); None
        values are skipped, so command-line options that were not given change nothing."""
        sections: dict[str, dict[str, Any]] = {}
        for name, value in flat.items():
            if value is None:
                continue
            section = _OWNER.get(name)
            if section is None:
                raise KeyError(f"no setting named {name!r}")
            sections.setdefault(section, {})[name] = value
        if not sections:
            return self
        merged = {s: {**getattr(self, s).model_dump(), **values} for s, values in sections.items()}
        data = {s: getattr(self, s).model_dump() for s in type(self).model_fields}
        # Validated again: an option gets the same checks as its environment variable.
        return type(self).model_validate({**data, **merged}, context=None)

    def serving(self) -> Serving:
        """Where the read side finds the index and the models it names, and how it serves."""
        from retriever.qa import Serving  # the read side's stack: only when something serves

        return Serving(
            index_dir=self.paths.index,
            models_dir=self.paths.models,
            retriever=self.retrieval.retriever,
            min_score=self.retrieval.min_score,
            backend=self.model.backend,
            threads=self.model.threads,
        )

    @property
    def tuned_dir(self) -> Path:
        return self.tune.tuned_dir or self.paths.models / "tuned"

    @property
    def feedback_db(self) -> Path:
        return self.feedback.feedback_db or self.paths.var / "feedback.sqlite3"


_OWNER: dict[str, str] = {
    name: section
    for section, info in Settings.model_fields.items()
    for name in (info.annotation.model_fields if isinstance(info.annotation, type) else {})
}


@cache
def load() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
