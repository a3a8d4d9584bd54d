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

from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from config.sections import (
    FeedbackSection,
    IngestSection,
    ModelSection,
    Paths,
    RetrievalSection,
    Section,
    ServerSection,
    TuneSection,
)

if TYPE_CHECKING:
    from retriever.qa import Serving

PREFIX = "GUIDE_RAG_"


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
            micro_batch=self.model.micro_batch,
        )

    @property
    def tuned_dir(self) -> Path:
        return self.tune.tuned_dir or self.paths.models / "tuned"

    @property
    def feedback_db(self) -> Path:
        return self.feedback.feedback_db or self.paths.var / "feedback.sqlite3"

    @property
    def feedback_url(self) -> str | None:
        url = self.feedback.feedback_url
        return url.get_secret_value() if url is not None else None


_OWNER: dict[str, str] = {
    name: section
    for section, info in Settings.model_fields.items()
    for name in (info.annotation.model_fields if isinstance(info.annotation, type) else {})
}


@cache
def load() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
