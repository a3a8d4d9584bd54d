"""`guide-rag bundle` and `guide-rag serve --bundle`, as a deployer runs them."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from ingest.bundle import write_bundle
from retriever.bundle import DESCRIPTION, verify
from retriever.index import current_build, read_manifest, sha256_file
from tests.cli.test_app import assert_one_line_error, run
from tests.helpers import NO_CA, env_for, live_server_process

QUESTION = "What salary do entry level AI engineers typically start at?"


def test_bundle_without_an_index_says_to_ingest(tmp_path: Path) -> None:
    out = tmp_path / "b.tar"
    result = run("bundle", "--out", str(out), env={"GUIDE_RAG_INDEX_DIR": str(tmp_path / "none")})
    assert_one_line_error(result, "no index at", "run `guide-rag ingest`")
    assert list(tmp_path.iterdir()) == []


def test_bundle_reports_what_it_wrote(fake_index: Settings, tmp_path: Path) -> None:
    out = tmp_path / "releases" / "v1.tar"
    result = run("bundle", "--out", str(out), "--json", env=env_for(fake_index))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["path"] == str(out) and out.is_file()
    published = read_manifest(current_build(fake_index.paths.index))
    assert report["build_id"] == published.build_id and report["model"]["name"] == "fake-embedder"
    assert report["files"] == len(published.files) + 2  # and manifest.json, CURRENT
    assert_one_line_error(run("bundle", "--out", str(out), env=env_for(fake_index)), "exists")


@pytest.fixture
def bundle(fake_index: Settings, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    write_bundle(fake_index.paths.index, fake_index.paths.models, out)
    return out


def test_serve_refuses_a_damaged_bundle_before_listening(bundle: Path) -> None:
    damaged = next(bundle.rglob("vectors.faiss"))
    damaged.write_bytes(damaged.read_bytes()[:-4])
    result = run("serve", "--bundle", str(bundle), env={"GUIDE_RAG_PORT": "1"})  # never bound
    name = damaged.relative_to(bundle).as_posix()
    assert_one_line_error(result, f"{name} does not match its checksum", "guide-rag bundle")


def test_serve_refuses_an_archive_that_would_write_outside(bundle: Path, tmp_path: Path) -> None:
    import tarfile

    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(bundle / DESCRIPTION, arcname="../../outside.json")
    result = run("serve", "--bundle", str(archive), env={"GUIDE_RAG_PORT": "1"})
    assert_one_line_error(result, "unsafe path, '../../outside.json'")
    assert not list(tmp_path.parent.rglob("outside.json"))


def test_serve_takes_a_bundle_or_an_index_not_both(bundle: Path, tmp_path: Path) -> None:
    result = run("serve", "--bundle", str(bundle), "--index-dir", str(tmp_path))
    assert_one_line_error(result, "--bundle or --index-dir, not both")


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under `root`, with its checksum (files) and mtime (files and folders)."""
    return {
        p.relative_to(root).as_posix(): (
            sha256_file(p) if p.is_file() else "dir",
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.server
def test_a_bundle_is_all_a_server_needs_and_it_stays_untouched(
    bundle: Path, tmp_path: Path
) -> None:
    before = snapshot(bundle)
    home = tmp_path / "home"
    env = {
        "GUIDE_RAG_HOME": str(home),
        "GUIDE_RAG_BUNDLE": str(bundle),
        # Nothing else on disk: these point at nothing, and the bundle is served anyway.
        "GUIDE_RAG_INDEX_DIR": str(tmp_path / "no-index"),
        "GUIDE_RAG_MODELS_DIR": str(tmp_path / "no-models"),
        "GUIDE_RAG_MODEL": "fake-embedder",
    }
    with live_server_process(env, tmp_path / "server.log") as (base, proc):
        ready = httpx.get(f"{base}/ready", verify=NO_CA).json()
        assert ready["build_id"] == verify(bundle).build_id
        asked = httpx.post(f"{base}/ask", json={"question": QUESTION}, verify=NO_CA).json()
        assert "$90,000 to $130,000" in asked["answer"]
        verdict = {"answer_id": asked["id"], "verdict": "helpful"}
        assert httpx.post(f"{base}/feedback", json=verdict, verify=NO_CA).is_success
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
    # Writable state lives under home; the bundle is exactly as it was, not one file more.
    with sqlite3.connect(home / "var" / "feedback.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM feedback").fetchone() == (1,)
    assert snapshot(bundle) == before
    assert "files verified" in (tmp_path / "server.log").read_text()


@pytest.mark.server
def test_a_tar_bundle_is_unpacked_privately_and_removed_on_sigterm(
    bundle: Path, tmp_path: Path
) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "v1"), "tar", root_dir=bundle))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {"GUIDE_RAG_HOME": str(tmp_path / "home"), "GUIDE_RAG_BUNDLE": str(archive),
           "TMPDIR": str(scratch)}  # fmt: skip
    with live_server_process(env, tmp_path / "server.log") as (base, proc):
        (unpacked,) = scratch.iterdir()
        assert unpacked.stat().st_mode & 0o077 == 0  # private to the server's user
        assert (
            verify(unpacked).build_id == httpx.get(f"{base}/ready", verify=NO_CA).json()["build_id"]
        )
        assert httpx.get(f"{base}/search", params={"q": QUESTION}, verify=NO_CA).is_success
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
    assert list(scratch.iterdir()) == []
