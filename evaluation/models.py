"""One build's chunks under another model: re-embedded and calibrated, ready to measure.

How `guide-rag eval` puts the base model beside the tuned one, and how tuning measures the
model it trained before it replaces the served one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from evaluation.calibration import DevSplitCalibrator
from ingest.chunking import view_texts
from retriever.answer.sentences import embedded_sentences
from retriever.embedding import Embedder
from retriever.index import VIEWS, IndexBuild
from retriever.qa import QA, abstention_from


def rebuild_with(build: IndexBuild, embedder: Embedder) -> IndexBuild:
    """The same chunks, embedded by `embedder` (in memory only)."""
    texts = [text for chunk in build.chunks for text in view_texts(chunk)]
    vectors = embedder.encode(texts).reshape(len(build.chunks), len(VIEWS), -1)
    sentences = embedder.encode([s for chunk in build.chunks for s in embedded_sentences(chunk)])
    manifest = replace(
        build.manifest,
        model=embedder.name,
        model_fingerprint=embedder.fingerprint,
        dim=int(vectors.shape[2]),
    )
    return IndexBuild.in_memory(manifest, build.chunks, vectors, sentences)


def calibrated_qa(build: IndexBuild, embedder: Embedder, eval_dir: Path) -> QA:
    """The served parts over `build`, abstaining as ingest would calibrate them for it."""
    calibration = DevSplitCalibrator(eval_dir).calibrate(build, embedder)
    return QA.assemble(build, embedder, abstention_from(calibration, embedder.scope))
