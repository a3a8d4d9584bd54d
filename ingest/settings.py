"""Write-side settings: the core settings plus where guides live, how big a chunk may be, and
what one guide may cost (its budgets)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from ingest.budgets import Budgets
from retriever.settings import Settings

_DEFAULT = Budgets()


class IngestSettings(Settings):
    corpus_dir: Path = Field(
        default=Path("corpus"), description="Where `ingest` looks for guides (and eval/)."
    )
    max_chunk_tokens: int = Field(default=128, ge=16, le=256)
    follow_symlinks: bool = Field(
        default=False,
        description="Read symlinks that point outside the folder or file named (off: skipped).",
    )
    max_part_bytes: int = Field(
        default=_DEFAULT.part_bytes,
        ge=1,
        description="Unpacked bytes of one .docx part or PDF stream, and of all of them.",
    )
    max_guide_chars: int = Field(default=_DEFAULT.guide_chars, ge=1)
    max_sections: int = Field(default=_DEFAULT.sections, ge=1)
    max_chunks: int = Field(default=_DEFAULT.chunks, ge=1)
    max_pdf_pages: int = Field(default=_DEFAULT.pdf_pages, ge=1)
    max_pdf_shapes: int = Field(
        default=_DEFAULT.pdf_shapes, ge=1, description="Lines, rectangles, curves on one page."
    )
    file_seconds: float = Field(
        default=_DEFAULT.file_seconds, gt=0, description="Wall time to read and parse one guide."
    )

    @field_validator("corpus_dir")
    @classmethod
    def _absolute_corpus(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def budgets(self) -> Budgets:
        return Budgets(
            part_bytes=self.max_part_bytes,
            guide_chars=self.max_guide_chars,
            sections=self.max_sections,
            chunks=self.max_chunks,
            pdf_pages=self.max_pdf_pages,
            pdf_shapes=self.max_pdf_shapes,
            file_seconds=self.file_seconds,
        )


@lru_cache
def get_ingest_settings() -> IngestSettings:
    return IngestSettings()
