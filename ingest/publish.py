"""Publish a build atomically: write it beside the live one, then swap the CURRENT pointer."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.errors import IngestLockedError
from retriever.errors import GuideRagError
from retriever.index import (
    BUILDS,
    CURRENT,
    IndexBuild,
    current_build,
    read_build,
    write_build,
)

LOCK = ".lock"


@contextmanager
def index_lock(index_dir: Path, *, create: bool = True) -> Iterator[None]:
    """Hold the index directory's lock for one ingest; a second one is refused, never interleaved.

    The lock is an flock on `<index>/.lock`: the kernel drops it when the process dies, so a
    killed ingest never leaves a stale lock behind.
    """
    if not create and not index_dir.is_dir():
        yield  # nothing to protect, and a dry run must not create the directory
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise IngestLockedError(
                f"another ingest ({holder}) is writing {index_dir}: wait for it to finish, then "
                "run this one again"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish(index_dir: Path, build: IndexBuild) -> Path:
    """Write a complete build, fsync it, then make it current with one os.replace.

    A crash at any point leaves the previous CURRENT build untouched and loadable.
    """
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    before = _live(index_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    target = staging / "build"
    write_build(target, build)
    manifest = build.manifest
    _fsync_tree(target)
    final = builds / manifest.build_id
    os.rename(target, final)
    staging.rmdir()
    pointer_tmp = index_dir / f".{CURRENT}.tmp"
    pointer_tmp.write_text(manifest.build_id + "\n", encoding="utf-8")
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync(index_dir)
    _prune(builds, keep={final.name, *([before] if before else [])})
    return final


def _live(index_dir: Path) -> str | None:
    try:
        return current_build(index_dir).name
    except GuideRagError:
        return None


def _prune(builds: Path, keep: set[str]) -> None:
    """Keep the new build and the one it replaced (readers may still hold it); drop the rest.

    The rest are older builds, leftovers of interrupted runs, and any build a crash left
    unpublished between its rename and the swap of CURRENT: never served, so never kept.
    """
    for path in builds.iterdir():
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for child in sorted(path.rglob("*"), reverse=True):  # files before their directories
        _fsync(child)
    _fsync(path)


def previous_build(index_dir: Path) -> IndexBuild | None:
    """The live build if it can be reused, else None (then everything is built afresh)."""
    try:
        return read_build(current_build(index_dir))
    except GuideRagError:
        return None
