"""Which model ingest embeds with (GUIDE_RAG_MODEL), ready to run; exported to ONNX first when
ONNX runs it, so that serving finds the export the index names."""

from __future__ import annotations

from config.settings import Settings
from retriever.embedding import FAKE_MODEL, Embedder, FakeEmbedder, ModelFiles
from retriever.limits import BASE_MODEL

AUTO = "auto"


def model_name(settings: Settings) -> str:
    """GUIDE_RAG_MODEL, with `auto` resolved: the adapted model once `guide-rag tune` has made
    one, else the bundled base model."""
    name = settings.model.model
    if name != AUTO:
        return name
    return str(settings.tuned_dir) if (settings.tuned_dir / "config.json").is_file() else BASE_MODEL


def embedder_for(settings: Settings, name: str | None = None) -> Embedder:
    """The model `name` (default: the configured one) on the configured backend, embedding
    with every core (GUIDE_RAG_EMBED_THREADS): ingest embeds in batches, not one question."""
    name = name or model_name(settings)
    if name == FAKE_MODEL:
        return FakeEmbedder()
    return embedder_of(settings, ModelFiles.of(name))


def embedder_of(settings: Settings, files: ModelFiles) -> Embedder:
    """The model in `files` on the configured backend (every core; exported for ONNX)."""
    if settings.model.backend == "torch":
        from retriever.embedding.torch_backend import TorchEmbedder

        return TorchEmbedder(files, threads=settings.ingest.embed_threads)
    from retriever.embedding.onnx_backend import OnnxEmbedder
    from retriever.embedding.onnx_export import export_onnx

    ingest = settings.ingest
    return OnnxEmbedder(
        export_onnx(files, settings.paths.models), ingest.embed_threads, ingest.embed_batch
    )
