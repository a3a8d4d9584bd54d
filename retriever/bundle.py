"""A bundle: everything a replica serves, as one self-describing artifact (a folder or a .tar).

<bundle>/
  bundle.json                     format, build id, model, created at; sha256 and size of
                                  every other file
  index/CURRENT                   names the one build inside
  index/builds/<build-id>/        the published build, as ingest wrote it
  models/serving/<fingerprint>/   the serving model the build names (none for the fake model)

ingest/bundle.py writes it; `open_bundle` checks every file against bundle.json before anything
serves from it, and a .tar is unpacked into a private temporary folder first. A server reads the
bundle and never writes into it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from retriever.embedding.fake import FAKE_PREFIX
from retriever.embedding.model import ModelRef
from retriever.embedding.serving import DESCRIPTION as MODEL_DESCRIPTION
from retriever.embedding.serving import serving_dir
from retriever.errors import BundleError, GuideRagError
from retriever.index import current_build, read_manifest, sha256_file

FORMAT_VERSION = 1
DESCRIPTION = "bundle.json"
INDEX = "index"
MODELS = "models"
_REWRITE = "write it again with `guide-rag bundle`"


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleFile:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleManifest:
    """bundle.json: what the bundle holds, and every file's checksum (paths are POSIX, relative)."""

    format_version: int
    build_id: str
    model: ModelRef
    created_at: str
    files: Mapping[str, BundleFile]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "build_id": self.build_id,
            "model": dataclasses.asdict(self.model),
            "created_at": self.created_at,
            "files": {name: {"sha256": f.sha256, "size": f.size} for name, f in self.files.items()},
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BundleManifest:
        model = raw["model"]
        return cls(
            format_version=int(raw["format_version"]),
            build_id=str(raw["build_id"]),
            model=ModelRef(
                name=str(model["name"]),
                fingerprint=str(model["fingerprint"]),
                dim=int(model["dim"]),
            ),
            created_at=str(raw["created_at"]),
            files={
                str(name): BundleFile(sha256=str(f["sha256"]), size=int(f["size"]))
                for name, f in raw["files"].items()
            },
        )

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenedBundle:
    """A verified bundle on disk: serve with these folders, and only read them."""

    root: Path
    manifest: BundleManifest

    @property
    def index_dir(self) -> Path:
        return self.root / INDEX

    @property
    def models_dir(self) -> Path:
        return self.root / MODELS


def model_dir(root: Path, model: ModelRef) -> Path | None:
    """The serving folder a bundle holds for `model`; None for the fake model, which has none."""
    if model.fingerprint.startswith(FAKE_PREFIX):
        return None
    return serving_dir(root / MODELS, model.fingerprint)


def describe_files(root: Path) -> dict[str, BundleFile]:
    """The checksum and size of every file under `root` except bundle.json; links are refused."""
    found: dict[str, BundleFile] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise BundleError(f"bundle {root} holds {name}, which is not a regular file")
        if path.is_file() and name != DESCRIPTION:
            found[name] = BundleFile(sha256=sha256_file(path), size=path.stat().st_size)
    return found


def verify(root: Path) -> BundleManifest:
    """bundle.json read, and every file checked against it; BundleError names the first file
    that is missing, extra, or does not match."""
    manifest = _read_description(root)
    on_disk = {p.relative_to(root).as_posix(): p for p in root.rglob("*")}
    for name, path in sorted(on_disk.items()):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise BundleError(f"bundle {root}: {name} is not a regular file: {_REWRITE}")
        if path.is_file() and name != DESCRIPTION and name not in manifest.files:
            raise BundleError(f"bundle {root}: {name} is not listed in {DESCRIPTION}: {_REWRITE}")
    for name in sorted(manifest.files):
        expected, target = manifest.files[name], on_disk.get(name)
        if target is None or not target.is_file():
            raise BundleError(f"bundle {root}: {name} is missing: {_REWRITE}")
        if target.stat().st_size != expected.size or sha256_file(target) != expected.sha256:
            raise BundleError(
                f"bundle {root}: {name} does not match its checksum in {DESCRIPTION} (the bundle "
                f"is damaged): {_REWRITE}"
            )
    _check_contents(root, manifest)
    return manifest


def _read_description(root: Path) -> BundleManifest:
    path = root / DESCRIPTION
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{root} is not a bundle (no {DESCRIPTION}): {_REWRITE}") from None
    except (OSError, ValueError) as exc:
        raise BundleError(f"{path} is unreadable ({exc}): {_REWRITE}") from exc
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if version != FORMAT_VERSION:
        raise BundleError(
            f"{path} has format version {version!r}, this guide-rag reads {FORMAT_VERSION}: "
            f"{_REWRITE}"
        )
    try:
        manifest = BundleManifest.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleError(f"{path} is malformed ({exc!r}): {_REWRITE}") from exc
    for name in manifest.files:
        if not _safe(name):
            raise BundleError(f"{path} lists an unsafe path {name!r}: {_REWRITE}")
    return manifest


def _check_contents(root: Path, manifest: BundleManifest) -> None:
    """The index inside is the build bundle.json names, and the model it names is there."""
    try:
        build = current_build(root / INDEX)
        built_with = read_manifest(build).model
    except GuideRagError as exc:
        raise BundleError(f"bundle {root} holds no servable index ({exc})") from exc
    if build.name != manifest.build_id:
        raise BundleError(
            f"bundle {root}: {DESCRIPTION} names build {manifest.build_id} but the index inside "
            f"is build {build.name}: {_REWRITE}"
        )
    if built_with != manifest.model:
        raise BundleError(
            f"bundle {root}: {DESCRIPTION} names model {manifest.model.name} but its build was "
            f"made with {built_with.name}: {_REWRITE}"
        )
    folder = model_dir(root, manifest.model)
    if folder is not None and not (folder / MODEL_DESCRIPTION).is_file():
        raise BundleError(
            f"bundle {root} lacks the model {manifest.model.name} its index names: {_REWRITE}"
        )


def _safe(name: str) -> bool:
    """A relative POSIX path that stays inside the bundle."""
    if not name or PurePosixPath(name).is_absolute() or "\\" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def unpack(archive: Path, target: Path) -> None:
    """Extract a bundle .tar into the (empty) folder `target`: regular files and folders only,
    no absolute paths, no `..`, no links; BundleError names the first bad member."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                name = _member_name(member.name)
                if name is None:
                    continue  # the archive's own root, as `tar -C bundle .` writes it
                if not _safe(name) or not (member.isfile() or member.isdir()):
                    kind = "a link" if member.issym() or member.islnk() else "an unsafe path"
                    raise BundleError(
                        f"{archive} holds {kind}, {member.name!r}: refusing to unpack it; "
                        f"{_REWRITE}"
                    )
                destination = target / name
                if member.isdir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has its data
                with source, destination.open("xb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                destination.chmod(0o444)  # the server only reads it
    except FileExistsError as exc:
        raise BundleError(f"{archive} holds {exc.filename} twice: {_REWRITE}") from None
    except (tarfile.TarError, EOFError) as exc:
        raise BundleError(
            f"{archive} is not a readable bundle archive ({exc}): {_REWRITE}"
        ) from exc


def _member_name(name: str) -> str | None:
    """A member's path without a leading `./` or trailing `/`; None for the root itself."""
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    return None if name in ("", ".") else name


@contextmanager
def open_bundle(path: Path) -> Iterator[OpenedBundle]:
    """A verified bundle: a folder in place, or a .tar unpacked into a private temporary folder
    (removed on exit). Every checksum is checked before this yields."""
    if path.is_dir():
        yield OpenedBundle(root=path, manifest=verify(path))
        return
    if not path.is_file():
        raise BundleError(f"no bundle at {path}: write one with `guide-rag bundle --out {path}`")
    unpacked = Path(tempfile.mkdtemp(prefix="guide-rag-bundle-"))  # mode 0700: private
    try:
        unpack(path, unpacked)
        yield OpenedBundle(root=unpacked, manifest=verify(unpacked))
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
