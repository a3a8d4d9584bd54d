"""Errors of the evaluation layer."""

from __future__ import annotations

from retriever.errors import GuideRagError


class EvalSetError(GuideRagError):
    """The eval set is missing or malformed."""
