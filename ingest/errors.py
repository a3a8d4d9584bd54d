"""Errors of the write side."""

from __future__ import annotations

from retriever.errors import GuideRagError


class CorpusError(GuideRagError):
    """No usable guide to ingest, or a guide (or eval file) that cannot be read."""


class IngestLockedError(GuideRagError):
    """Another ingest holds the index directory's lock."""
