"""Bundles are checked file by file before anything serves them; archives unpack safely."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.bundle import write_bundle
from retriever.bundle import DESCRIPTION, open_bundle, unpack, verify
from retriever.errors import BundleError


@pytest.fixture(scope="module")
def pristine(fake_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundles") / "pristine"
    write_bundle(fake_index.paths.index, fake_index.paths.models, out)
    return out


@pytest.fixture
def bundle(pristine: Path, tmp_path: Path) -> Path:
    """A private copy a test may damage."""
    return Path(shutil.copytree(pristine, tmp_path / "bundle"))


def chunks_of(bundle: Path) -> str:
    return next(p for p in bundle.rglob("chunks.jsonl")).relative_to(bundle).as_posix()


def test_a_good_bundle_verifies(bundle: Path) -> None:
    assert verify(bundle).files[chunks_of(bundle)].size > 0


@pytest.mark.parametrize("how", ["one byte changed", "truncated", "appended"])
def test_a_damaged_file_is_named(bundle: Path, how: str) -> None:
    name = chunks_of(bundle)
    data = (bundle / name).read_bytes()
    damaged = {"one byte changed": data[:10] + b"#" + data[11:], "truncated": data[:-1],
               "appended": data + b"\n"}[how]  # fmt: skip
    (bundle / name).write_bytes(damaged)
    with pytest.raises(BundleError, match=rf"{name} does not match its checksum"):
        verify(bundle)


def test_a_missing_file_is_named(bundle: Path) -> None:
    (bundle / "index" / "CURRENT").unlink()
    with pytest.raises(BundleError, match="index/CURRENT is missing"):
        verify(bundle)


def test_an_unlisted_file_is_refused(bundle: Path) -> None:
    (bundle / "index" / "notes.txt").write_text("added later")
    with pytest.raises(BundleError, match=r"index/notes\.txt is not listed in bundle\.json"):
        verify(bundle)


def test_a_link_is_refused(bundle: Path, tmp_path: Path) -> None:
    (bundle / "index" / "elsewhere").symlink_to(tmp_path)
    with pytest.raises(BundleError, match="index/elsewhere is not a regular file"):
        verify(bundle)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda raw: {**raw, "format_version": 2}, "format version 2, this guide-rag reads 1"),
        (lambda raw: {k: v for k, v in raw.items() if k != "model"}, "is malformed"),
        (lambda raw: {**raw, "files": {**raw["files"], "../escape": raw["files"]["index/CURRENT"]}},
         "unsafe path '../escape'"),
        (lambda raw: {**raw, "build_id": "20990101T000000-000000"}, "names build 20990101"),
        (lambda raw: {**raw, "model": {**raw["model"], "name": "other"}},
         "names model other but its build was made with fake-embedder"),
    ],
)  # fmt: skip
def test_a_bad_description_is_refused(bundle: Path, change: object, expected: str) -> None:
    raw = json.loads((bundle / DESCRIPTION).read_text())
    (bundle / DESCRIPTION).write_text(json.dumps(change(raw)))  # type: ignore[operator]
    with pytest.raises(BundleError, match=expected):
        verify(bundle)


def test_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="is not a bundle"):
        verify(tmp_path)
    (tmp_path / DESCRIPTION).write_text("{not json")
    with pytest.raises(BundleError, match=r"bundle\.json is unreadable"):
        verify(tmp_path)


def tar_of(bundle: Path, target: Path, *, prefix: str = "") -> Path:
    with tarfile.open(target, "w") as tar:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=prefix + path.relative_to(bundle).as_posix())
    return target


def with_member(archive: Path, member: tarfile.TarInfo, data: bytes = b"") -> Path:
    with tarfile.open(archive, "a") as tar:
        tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
    return archive


def file_member(name: str, data: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info


def link_member(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("member", "shown"),
    [
        (file_member("../escaped.txt", b"x"), "an unsafe path, '../escaped.txt'"),
        (file_member("index/../../escaped.txt", b"x"), "an unsafe path"),
        (file_member("/tmp/escaped.txt", b"x"), "an unsafe path, '/tmp/escaped.txt'"),
        (link_member("index/passwd", "/etc/passwd", tarfile.SYMTYPE), "a link, 'index/passwd'"),
        (link_member("index/hard", "/etc/passwd", tarfile.LNKTYPE), "a link, 'index/hard'"),
    ],
)
def test_an_archive_member_that_would_escape_is_refused(
    bundle: Path, tmp_path: Path, member: tarfile.TarInfo, shown: str
) -> None:
    archive = with_member(tar_of(bundle, tmp_path / "b.tar"), member, b"x")
    target = tmp_path / "deep" / "unpacked"
    target.mkdir(parents=True)
    with pytest.raises(BundleError, match=rf"holds {shown}.*refusing to unpack it"):
        unpack(archive, target)
    assert not list(tmp_path.rglob("escaped.txt"))
    with pytest.raises(BundleError, match="refusing"), open_bundle(archive):
        pass


def test_a_damaged_archive_is_refused(bundle: Path, tmp_path: Path) -> None:
    archive = tar_of(bundle, tmp_path / "b.tar")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    damaged = r"b\.tar is not a readable bundle archive"
    with pytest.raises(BundleError, match=damaged), open_bundle(archive):
        pass


def test_a_damaged_file_inside_an_archive_is_named(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"  # where the archive is unpacked
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    name = chunks_of(bundle)
    (bundle / name).write_bytes((bundle / name).read_bytes().replace(b"engineer", b"Engineer", 1))
    with (
        pytest.raises(BundleError, match=rf"{name} does not match"),
        open_bundle(tar_of(bundle, tmp_path / "b.tar")),
    ):
        pass
    assert list(scratch.iterdir()) == []  # the unpacked copy is gone


def test_an_archive_made_with_tar_dot_opens(bundle: Path, tmp_path: Path) -> None:
    # `tar -cf b.tar -C bundle .` names members ./bundle.json, ./index/...
    archive = tar_of(bundle, tmp_path / "b.tar", prefix="./")
    with open_bundle(archive) as opened:
        assert opened.index_dir.is_dir() and opened.manifest.build_id


def test_the_unpacked_copy_is_removed_even_when_serving_fails(bundle: Path, tmp_path: Path) -> None:
    archive = tar_of(bundle, tmp_path / "b.tar")
    with pytest.raises(RuntimeError), open_bundle(archive) as opened:
        root = opened.root
        assert (root / DESCRIPTION).is_file()
        raise RuntimeError("the server failed")
    assert not root.exists()


def test_nothing_at_the_path(tmp_path: Path) -> None:
    with (
        pytest.raises(BundleError, match=r"no bundle at .*guide-rag bundle --out"),
        open_bundle(tmp_path / "none.tar"),
    ):
        pass
