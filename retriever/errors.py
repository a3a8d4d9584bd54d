"""Base domain errors. Edges (the HTTP handler, the CLI wrapper) translate them; nothing else
catches them. Layers above add their own subclasses (ingest/errors.py, api/errors.py)."""

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


class ModelLoadError(GuideRagError):
    pass


class InvalidQueryError(GuideRagError):
    """A question or parameter that the retriever cannot use."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class BundleError(GuideRagError):
    """A bundle that cannot be written, or one that is damaged and must not be served."""
