"""Retrieval over a guide-rag index: dense search, cited template answers."""

from retriever.errors import GuideRagError
from retriever.pipeline import Pipeline, group_by_section
from retriever.settings import Settings, get_settings
from retriever.types import Answer, Chunk, Citation, Hit, SectionHits

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "GuideRagError",
    "Hit",
    "Pipeline",
    "SectionHits",
    "Settings",
    "get_settings",
    "group_by_section",
]
