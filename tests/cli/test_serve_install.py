"""A replica's install: `pip install guide-rag[serve]` in a fresh venv serves a bundle over HTTP
with no torch, no sentence-transformers, no training or evaluation stack."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from ingest.bundle import write_bundle
from tests.helpers import NO_CA, live_server_process
from tests.slim import HEAVY, serve_venv

pytestmark = [pytest.mark.server, pytest.mark.system]
QUESTION = "What salary do entry level AI engineers typically start at?"


@pytest.fixture(scope="module")
def venv(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Kept between runs in pytest's cache (keyed by pyproject.toml); built from nothing without.
    cache = getattr(pytestconfig, "cache", None)  # absent under -p no:cacheprovider
    folder = cache.mkdir("serve-venv") if cache else tmp_path_factory.mktemp("serve-venv")
    return serve_venv(Path(folder))


def python_in(venv: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        capture_output=True, text=True, timeout=120, cwd=cwd, check=False,
    )  # fmt: skip


def test_the_serve_install_holds_no_training_stack(venv: Path, tmp_path: Path) -> None:
    found = python_in(
        venv,
        "import importlib.util, json, cli\n"
        f"print(json.dumps({{'cli': cli.__file__, **{{m: importlib.util.find_spec(m) is not None "
        f"for m in {HEAVY!r}}}}}))",
        tmp_path,
    )
    assert found.returncode == 0, found.stderr
    installed = json.loads(found.stdout)
    assert installed.pop("cli").startswith(str(venv))  # the installed copy, not the checkout
    assert installed == dict.fromkeys(HEAVY, False)
    torch = python_in(venv, "import torch", tmp_path)
    assert torch.returncode == 1 and "No module named 'torch'" in torch.stderr


def test_a_command_of_another_layer_names_the_extra_to_install(venv: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(venv / "bin" / "guide-rag"), "ingest"], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, check=False,
    )  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: this command needs ")
    assert lines[0].endswith("pip install 'guide-rag[tune]'")


def serve_and_ask(venv: Path, bundle: Path, tmp_path: Path) -> tuple[str, str]:
    """The venv's `guide-rag serve --bundle` asked once over HTTP: (answer, its memory maps)."""
    env = {"GUIDE_RAG_HOME": str(tmp_path / "home"), "GUIDE_RAG_BUNDLE": str(bundle)}
    command = [str(venv / "bin" / "guide-rag")]
    with live_server_process(env, tmp_path / "server.log", command=command, cwd=tmp_path) as (
        base,
        proc,
    ):
        response = httpx.post(f"{base}/ask", json={"question": QUESTION}, timeout=30, verify=NO_CA)
        assert response.status_code == 200, response.text
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
    return str(response.json()["answer"]), maps


def test_the_serve_install_answers_from_a_bundle(
    venv: Path, fake_index: Settings, tmp_path: Path
) -> None:
    bundle = tmp_path / "v1.tar"
    write_bundle(fake_index.paths.index, fake_index.paths.models, bundle)
    answer, maps = serve_and_ask(venv, bundle, tmp_path)
    assert "$90,000 to $130,000" in answer
    assert str(venv) in maps and "libtorch" not in maps


@pytest.mark.model
def test_the_serve_install_serves_the_real_model_from_a_bundle(
    venv: Path, real_settings: Settings, tmp_path: Path
) -> None:
    bundle = tmp_path / "v1.tar"
    report = write_bundle(real_settings.paths.index, real_settings.paths.models, bundle)
    assert any(name.endswith("/model.onnx") for name in report.manifest.files)
    answer, maps = serve_and_ask(venv, bundle, tmp_path)
    assert "$90,000 to $130,000" in answer
    assert "onnxruntime" in maps and "libtorch" not in maps
