"""Domain errors. Edges (HTTP handler, CLI wrapper) translate them; nothing else catches them."""

from __future__ import annotations


class GuideRagError(Exception):
    """Base of every error guide-rag reports to a user. The message says what and how to fix it."""

    exit_code = 1


class IndexNotFoundError(GuideRagError):
    pass


class IndexCorruptError(GuideRagError):
    pass


class IndexMismatchError(GuideRagError):
    """The index was built with another model or dimension than the settings ask for."""


class CorpusError(GuideRagError):
    """No usable guide to ingest, or a guide that cannot be read."""


class ModelLoadError(GuideRagError):
    pass


class InvalidQueryError(GuideRagError):
    """A question or parameter that the retriever cannot use."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotReadyError(GuideRagError):
    """The service is still loading its index and model."""


class IngestLockedError(GuideRagError):
    """Another ingest holds the index directory's lock."""
