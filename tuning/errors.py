"""Errors of the tuning layer."""

from __future__ import annotations

from retriever.errors import GuideRagError


class TuneError(GuideRagError):
    """Nothing to train on, or a training input that cannot be used."""
