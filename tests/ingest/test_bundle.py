"""`write_bundle`: one self-describing artifact from the published build and its model."""

from __future__ import annotations

import json
import shutil
import tarfile
from datetime import datetime
from pathlib import Path

import pytest

import ingest.bundle
from config.settings import Settings
from ingest.bundle import write_bundle
from retriever.bundle import DESCRIPTION, open_bundle, verify
from retriever.embedding.serving import ServingModel, serving_dir
from retriever.errors import BundleError, IndexNotFoundError
from retriever.index import current_build, read_manifest, sha256_file
from retriever.qa import QA, Serving

QUESTION = "What salary do entry level AI engineers typically start at?"


def test_a_bundle_describes_every_file_it_holds(fake_index: Settings, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    report = write_bundle(fake_index.paths.index, fake_index.paths.models, out)
    published = current_build(fake_index.paths.index)
    described = json.loads((out / DESCRIPTION).read_text())
    assert described["format_version"] == 1
    assert described["build_id"] == published.name == report.manifest.build_id
    assert described["model"] == {"name": "fake-embedder", "fingerprint": "fake-embedder-256",
                                  "dim": 256}  # fmt: skip
    assert datetime.fromisoformat(described["created_at"]).tzinfo is not None
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(described["files"]) == [n for n in on_disk if n != DESCRIPTION]
    for name, entry in described["files"].items():
        assert entry == {"sha256": sha256_file(out / name), "size": (out / name).stat().st_size}
    # The build as published, behind its own CURRENT; the fake model has no folder to ship.
    assert (out / "index" / "CURRENT").read_text() == published.name + "\n"
    for name in [*read_manifest(published).files, "manifest.json"]:
        copied = out / "index" / "builds" / published.name / name
        assert sha256_file(copied) == sha256_file(published / name)
    assert not (out / "models").exists()
    assert verify(out) == report.manifest


def test_a_tar_bundle_serves_like_the_index_it_came_from(
    fake_index: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "v1.tar"
    write_bundle(fake_index.paths.index, fake_index.paths.models, out)
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names[0] == DESCRIPTION and all(not n.startswith(("/", ".")) for n in names)
    with open_bundle(out) as opened:
        qa = QA.load(Serving(index_dir=opened.index_dir, models_dir=opened.models_dir))
        assert "$90,000 to $130,000" in qa.ask(QUESTION).text
        unpacked = opened.root
    assert not unpacked.exists()  # the private copy goes with the server


def test_no_index_is_one_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match=r"no index at .*: run `guide-rag ingest`"):
        write_bundle(tmp_path / "index", tmp_path / "models", tmp_path / "out" / "b.tar")
    assert not (tmp_path / "out").exists()


def test_an_existing_path_is_never_overwritten(fake_index: Settings, tmp_path: Path) -> None:
    out = tmp_path / "b.tar"
    out.write_bytes(b"someone else's file")
    with pytest.raises(BundleError, match="already exists"):
        write_bundle(fake_index.paths.index, fake_index.paths.models, out)
    assert out.read_bytes() == b"someone else's file"


@pytest.mark.parametrize("name", ["bundle", "bundle.tar"])
def test_a_failure_half_way_leaves_no_bundle(
    fake_index: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ingest.bundle, "_write_json", broken)
    with pytest.raises(BundleError, match=r"disk full\); nothing was written"):
        write_bundle(fake_index.paths.index, fake_index.paths.models, tmp_path / name)
    assert list(tmp_path.iterdir()) == []  # neither the bundle nor its staging folder


def with_model(fake_index: Settings, home: Path, *, export: bool) -> Settings:
    """A copy of the fake index whose manifest names a real-looking model (an ONNX folder with
    placeholder files, exported or not): the writer's model path without a real model."""
    index = home / "index"
    shutil.copytree(fake_index.paths.index, index)
    build = current_build(index)
    raw = json.loads((build / "manifest.json").read_text())
    raw["model"] = {"name": "models/tuned", "fingerprint": "ab" * 32, "dim": 256}
    (build / "manifest.json").write_text(json.dumps(raw))
    settings = fake_index.override(index_dir=index, models_dir=home / "models")
    if export:
        folder = serving_dir(home / "models", "ab" * 32)
        folder.mkdir(parents=True)
        (folder / "model.onnx").write_bytes(b"onnx graph")
        (folder / "tokenizer.json").write_text("{}")
        ServingModel.describe(folder, read_manifest(build).model, 128)
    return settings


def test_a_bundle_holds_the_serving_folder_its_index_names(
    fake_index: Settings, tmp_path: Path
) -> None:
    settings = with_model(fake_index, tmp_path, export=True)
    out = tmp_path / "bundle"
    report = write_bundle(settings.paths.index, settings.paths.models, out)
    folder = f"models/serving/{'ab' * 16}"
    assert {f"{folder}/model.onnx", f"{folder}/tokenizer.json", f"{folder}/model.json"} <= set(
        report.manifest.files
    )
    assert ServingModel.open(out / folder).ref.fingerprint == "ab" * 32
    assert verify(out).model.name == "models/tuned"


def test_a_missing_serving_folder_is_named(fake_index: Settings, tmp_path: Path) -> None:
    settings = with_model(fake_index, tmp_path, export=False)
    with pytest.raises(BundleError, match=r"model 'models/tuned'.*run `guide-rag ingest`"):
        write_bundle(settings.paths.index, settings.paths.models, tmp_path / "b.tar")
    assert not (tmp_path / "b.tar").exists()
