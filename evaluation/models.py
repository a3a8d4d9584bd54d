"""One build's chunks under another model: re-embedded and calibrated, ready to measure.

How `guide-rag eval` puts the base model beside the tuned one, and how tuning measures the
model it trained before it replaces the served one.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.vectors import embedded_build
from retriever.embedding import Embedder, ref_of
from retriever.index import IndexBuild
from retriever.limits import Mode
from retriever.qa import QA, abstention_from


def rebuild_with(build: IndexBuild, embedder: Embedder) -> IndexBuild:
    """The same chunks, embedded by `embedder` (in memory only)."""
    return embedded_build(replace(build.manifest, model=ref_of(embedder)), build.chunks, embedder)


def calibrated_qa(build: IndexBuild, embedder: Embedder, mode: Mode = "dense") -> QA:
    """The served parts over `build`, abstaining as the model's calibration says (as an index
    built with it would)."""
    return QA.assemble(build, embedder, abstention_from(embedder.calibration), mode)
