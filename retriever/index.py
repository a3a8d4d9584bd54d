"""The index directory format: one reader and one writer for a build, and the CURRENT pointer.

index/
  CURRENT              name of the published build (swapped with os.replace)
  builds/<build-id>/   manifest.json, chunks.jsonl, vectors.faiss, vectors-text.faiss,
                       vectors-sentences.faiss, tokens.npz, bm25/
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile

import faiss
import numpy as np

from retriever.abstention import Calibration
from retriever.alignment import PassageTokens
from retriever.answer.sentences import SentenceVectors
from retriever.embedding.model import ModelRef
from retriever.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from retriever.search.dense import DenseIndex
from retriever.search.lexical import LazyLexical, LexicalIndex
from retriever.types import Chunk

if TYPE_CHECKING:
    from retriever.embedding import Embedder

# 2: two embedded views per chunk, BM25, calibration; 3: chunk leads, model fingerprint;
# 4: one vector per answer sentence; 5: sentence offsets stored, the model and the calibration
# as typed records; 6: each passage's token states (retriever/alignment.py); 7: those of both
# views, the text read alone and read after its section title
FORMAT_VERSION = 7
CURRENT = "CURRENT"
BUILDS = "builds"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
# Each chunk is embedded twice: with its section title before it, and alone. Both views score.
VIEWS = ("vectors.faiss", "vectors-text.faiss")
SENTENCES = "vectors-sentences.faiss"
TOKENS = "tokens.npz"
LEXICAL = "bm25"
_FIX = "run `guide-rag ingest`"


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionInfo:
    title: str
    chunks: int
    navigation: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentInfo:
    id: str
    title: str
    source: str
    sha256: str
    sections: tuple[SectionInfo, ...]
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    format_version: int
    build_id: str
    built_at: str
    model: ModelRef  # the model every vector came from; serving opens exactly this one
    max_chunk_tokens: int
    documents: tuple[DocumentInfo, ...]
    chunk_count: int
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    # The abstention thresholds in force for this build (evaluation/calibration.py); ingest
    # records them, serving reads them. None: serving uses the measured fallback.
    calibration: Calibration | None = None

    def to_json(self) -> str:
        raw = dataclasses.asdict(self)
        raw["calibration"] = self.calibration.to_dict() if self.calibration else None
        return json.dumps(raw, indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Manifest:
        docs = tuple(
            DocumentInfo(
                id=d["id"],
                title=d["title"],
                source=d["source"],
                sha256=d["sha256"],
                sections=tuple(SectionInfo(**s) for s in d["sections"]),
                related=tuple(d.get("related", ())),
            )
            for d in raw["documents"]
        )
        calibration = raw.get("calibration")
        return cls(
            **{
                **raw,
                "documents": docs,
                "model": ModelRef(**raw["model"]),
                "calibration": Calibration.from_dict(calibration) if calibration else None,
            }
        )


@dataclass(frozen=True, slots=True)
class IndexBuild:
    """A loaded, verified build: chunks[i] is the text of row i of every view."""

    path: Path
    manifest: Manifest
    chunks: tuple[Chunk, ...]
    dense: DenseIndex
    sentences: SentenceVectors
    tokens: PassageTokens
    # BM25 loads on first use: the served (dense) path never pays for it.
    lexical_source: LazyLexical

    @property
    def lexical(self) -> LexicalIndex:
        return self.lexical_source.get()

    @classmethod
    def in_memory(
        cls,
        manifest: Manifest,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        tokens: PassageTokens,
    ) -> IndexBuild:
        """A build not yet written: it can be searched (to calibrate), then `write_build` saves it.

        `vectors` has shape (chunks, views, dim); `sentence_vectors` one row per answer sentence;
        `tokens` each chunk's token states.
        """
        if vectors.shape[:2] != (len(chunks), len(VIEWS)):
            raise ValueError(f"vectors of shape {vectors.shape} for {len(chunks)} chunks")
        if vectors.shape[2] != manifest.model.dim:
            raise ValueError(f"{vectors.shape[2]}-dim vectors for a {manifest.model.dim}-dim model")
        if len(tokens) != len(chunks):
            raise ValueError(f"token states of {len(tokens)} chunks for {len(chunks)} chunks")
        return cls(
            Path(),
            manifest,
            tuple(chunks),
            DenseIndex(_views(manifest.model.dim, vectors)),
            SentenceVectors(chunks, sentence_vectors),
            tokens,
            LazyLexical(built=LexicalIndex.build(chunks)),
        )

    def vectors(self, i: int) -> np.ndarray:
        """(views, dim): the embeddings of chunk i."""
        row: np.ndarray = self.dense.vectors[i]
        return row


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_build(index_dir: Path) -> Path:
    """The published build directory; IndexNotFoundError when nothing was published."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFoundError(f"no index at {index_dir}: {_FIX}") from None
    except OSError as exc:
        raise IndexCorruptError(f"cannot read {pointer} ({exc}): {_FIX}") from exc
    build = index_dir / BUILDS / name
    if not name or "/" in name or not build.is_dir():
        raise IndexCorruptError(f"{pointer} names a missing build {name!r}: {_FIX}")
    return build


def write_build(path: Path, build: IndexBuild) -> None:
    """Write one complete build into the (new, empty) directory `path`, file checksums included."""
    path.mkdir(parents=True)
    for view, name in zip(build.dense.views, VIEWS, strict=True):
        faiss.write_index(view, str(path / name))
    sentences = faiss.IndexFlatIP(build.manifest.model.dim)
    sentences.add(build.sentences.rows)
    faiss.write_index(sentences, str(path / SENTENCES))
    with (path / TOKENS).open("wb") as fh:
        np.savez(fh, counts=build.tokens.counts, states=build.tokens.rows.astype(np.float16))
    with (path / CHUNKS).open("w", encoding="utf-8") as fh:
        for chunk in build.chunks:
            fh.write(json.dumps(dataclasses.asdict(chunk), ensure_ascii=False) + "\n")
    build.lexical.save(path / LEXICAL)
    files = {
        str(p.relative_to(path)): sha256_file(p)
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    final = dataclasses.replace(build.manifest, files=files, chunk_count=len(build.chunks))
    (path / MANIFEST).write_text(final.to_json(), encoding="utf-8")


def _views(dim: int, vectors: np.ndarray) -> tuple[faiss.Index, ...]:
    views = []
    for v in range(len(VIEWS)):
        # Exact search: a guide has hundreds of chunks, not millions.
        index = faiss.IndexFlatIP(dim)
        index.add(np.ascontiguousarray(vectors[:, v, :], dtype=np.float32))
        views.append(index)
    return tuple(views)


def read_manifest(build: Path) -> Manifest:
    try:
        raw = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"{build} has no {MANIFEST}: {_FIX}") from None
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{build / MANIFEST} is unreadable ({exc}): {_FIX}") from exc
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"index at {build} has format version {version!r}, this guide-rag reads "
            f"{FORMAT_VERSION}: re-run `guide-rag ingest`"
        )
    try:
        return Manifest.from_dict(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{build / MANIFEST} is malformed ({exc}): {_FIX}") from exc


def read_build(build: Path) -> IndexBuild:
    """Load and verify a build: checksums, chunk count and vector count must all agree."""
    manifest = read_manifest(build)
    for name, expected in manifest.files.items():
        target = build / name
        if not target.is_file() or sha256_file(target) != expected:
            raise IndexCorruptError(f"{target} is missing or does not match its checksum: {_FIX}")
    try:
        with (build / CHUNKS).open(encoding="utf-8") as fh:
            chunks = tuple(_chunk(json.loads(line)) for line in fh if line.strip())
        views = tuple(faiss.read_index(str(build / name)) for name in VIEWS)
        stored = faiss.read_index(str(build / SENTENCES))
        sentences = SentenceVectors(chunks, stored.reconstruct_n(0, stored.ntotal))
        with np.load(build / TOKENS, allow_pickle=False) as held:
            tokens = PassageTokens(held["counts"].tolist(), held["states"])
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, BadZipFile) as exc:
        raise IndexCorruptError(f"index at {build} is unreadable ({exc}): {_FIX}") from exc
    dim = manifest.model.dim
    if len(tokens) != len(chunks) or tokens.rows.shape[1:] != (dim,):
        raise IndexCorruptError(
            f"index at {build} holds token states of {len(tokens)} chunks for {len(chunks)}, "
            f"of shape {tokens.rows.shape[1:]} for dim {dim}: {_FIX}"
        )
    for view in views:
        if not (len(chunks) == view.ntotal == manifest.chunk_count) or view.d != dim:
            raise IndexCorruptError(
                f"index at {build} is inconsistent ({len(chunks)} chunks, {view.ntotal} vectors"
                f" of dim {view.d}, manifest says {manifest.chunk_count} of dim {dim}): {_FIX}"
            )
    return IndexBuild(
        build, manifest, chunks, DenseIndex(views), sentences, tokens, LazyLexical(build / LEXICAL)
    )


def load_index(index_dir: Path) -> IndexBuild:
    return read_build(current_build(index_dir))


def _chunk(raw: dict[str, Any]) -> Chunk:
    spans = tuple((int(a), int(b)) for a, b in raw["sentences"])
    return Chunk(**{**raw, "span": tuple(raw["span"]), "sentences": spans})


def check_model(build: IndexBuild, embedder: Embedder) -> None:
    """The index's vectors were made by this very model (same weights), at this dimension."""
    ref = build.manifest.model
    if ref.fingerprint != embedder.fingerprint:
        raise IndexMismatchError(
            f"index at {build.path} was built with model {ref.name!r} (dim {ref.dim}, weights "
            f"{ref.fingerprint[:12]}) but the model at hand is {embedder.name!r} (weights "
            f"{embedder.fingerprint[:12]}): run `guide-rag ingest` to rebuild the index"
        )
    if embedder.dim != ref.dim:
        raise IndexMismatchError(
            f"index at {build.path} holds {ref.dim}-dim vectors but model {embedder.name!r} "
            f"makes {embedder.dim}-dim ones: run `guide-rag ingest`"
        )
