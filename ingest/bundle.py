"""`guide-rag bundle`: the published build and the serving model it names, as one artifact.

The format and its verification live on the read side (retriever/bundle.py). Everything is
written under a temporary name beside the target and renamed into place last, so a crash leaves
no bundle at all rather than half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.publish import _fsync as fsync
from ingest.publish import _fsync_tree as fsync_tree
from retriever.bundle import (
    DESCRIPTION,
    FORMAT_VERSION,
    INDEX,
    BundleManifest,
    describe_files,
    model_dir,
)
from retriever.embedding.fake import FAKE_PREFIX
from retriever.embedding.serving import ServingModel, serving_dir
from retriever.errors import BundleError, ModelLoadError
from retriever.index import BUILDS, CURRENT, MANIFEST, Manifest, current_build, read_manifest

TAR = ".tar"


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleReport:
    path: Path
    manifest: BundleManifest

    def to_dict(self) -> dict[str, Any]:
        described = self.manifest.to_dict()
        return {
            "path": str(self.path),
            "format_version": described["format_version"],
            "build_id": described["build_id"],
            "model": described["model"],
            "created_at": described["created_at"],
            "files": len(self.manifest.files),
            "bytes": self.manifest.size,
        }


def write_bundle(index_dir: Path, models_dir: Path, out: Path) -> BundleReport:
    """Bundle the build published in `index_dir` (and its model from `models_dir`) at `out`: a
    folder, or a tar of one when `out` ends in .tar. `out` must not exist yet."""
    build = current_build(index_dir)  # no index: "no index at …: run `guide-rag ingest`"
    manifest = read_manifest(build)
    model = _serving_model(models_dir, manifest.model.fingerprint, manifest.model.name)
    if out.exists() or out.is_symlink():
        raise BundleError(f"{out} already exists: a bundle is written once; choose a new path")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise BundleError(
            f"cannot write {out} ({exc.strerror or exc}): choose a writable path"
        ) from exc
    try:
        return _write(build, manifest, model, staging, out)
    except OSError as exc:  # a full disk, a build pruned by an ingest meanwhile…
        raise BundleError(f"cannot write bundle {out} ({exc}); nothing was written") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(
    build: Path, manifest: Manifest, model: ServingModel | None, staging: Path, out: Path
) -> BundleReport:
    """The bundle assembled in `staging`, then renamed to `out` (or its tar renamed there)."""
    root = staging / "bundle"
    target = root / INDEX / BUILDS / build.name
    for name in (MANIFEST, *manifest.files):
        _copy(build / name, target / name)
    (root / INDEX / CURRENT).write_text(build.name + "\n", encoding="utf-8")
    if model is not None:
        destination = model_dir(root, manifest.model)
        assert destination is not None
        for source in sorted(p for p in model.path.rglob("*") if p.is_file()):
            _copy(source, destination / source.relative_to(model.path))
    files = describe_files(root)
    for name, expected in manifest.files.items():  # what was copied is what was published
        if files[f"{INDEX}/{BUILDS}/{build.name}/{name}"].sha256 != expected:
            raise BundleError(
                f"{build / name} does not match its checksum in the build's manifest: run "
                "`guide-rag ingest` to publish a good build, then bundle it"
            )
    described = BundleManifest(
        format_version=FORMAT_VERSION,
        build_id=build.name,
        model=manifest.model,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=files,
    )
    _write_json(root / DESCRIPTION, described)
    if out.name.endswith(TAR):
        archive = staging / "bundle.tar"
        _tar(root, archive)
        os.replace(archive, out)
    else:
        fsync_tree(root)
        os.rename(root, out)
    fsync(out.parent)
    return BundleReport(path=out, manifest=described)


def _serving_model(models_dir: Path, fingerprint: str, name: str) -> ServingModel | None:
    if fingerprint.startswith(FAKE_PREFIX):
        return None  # the fake model has no files
    path = serving_dir(models_dir, fingerprint)
    try:
        model = ServingModel.open(path)
    except ModelLoadError as exc:
        raise BundleError(
            f"the index names model {name!r}, which cannot be bundled: {exc}"
        ) from exc
    if model.ref.fingerprint != fingerprint:
        raise BundleError(
            f"{path} holds another model than the index names: run `guide-rag ingest`"
        )
    return model


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _write_json(path: Path, manifest: BundleManifest) -> None:
    text = json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def _tar(root: Path, archive: Path) -> None:
    """A plain tar of `root`'s files (paths relative to it), bundle.json first."""
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    files.remove(DESCRIPTION)
    with tarfile.open(archive, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in (DESCRIPTION, *files):
            info = tar.gettarinfo(str(root / name), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with (root / name).open("rb") as fh:
                tar.addfile(info, fh)
    fsync(archive)
