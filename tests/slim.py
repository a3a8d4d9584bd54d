"""A virtual environment holding `pip install <checkout>[serve]` and nothing else: what a replica
installs. Tests and bench/footprint.py share it.

Building it takes a minute or two (pip reads the machine's package mirrors, offline), so it is
kept under a cache folder, keyed by the sha256 of pyproject.toml: the same dependencies reuse
it, and only the project's own code is reinstalled when it changed. With an empty cache it is
built from nothing, as CI does.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import ROOT

# What setuptools packages (pyproject.toml's packages.find), and what it needs to build them.
PACKAGES = ("config", "ingest", "retriever", "api", "evaluation", "tuning", "feedback", "cli")
BUILD_FILES = ("pyproject.toml", "README.md")
# Never part of the serve install; the base install and [serve] must not pull any of them.
HEAVY = ("torch", "sentence_transformers", "datasets", "matplotlib", "ranx", "transformers")
_DONE = ".guide-rag-serve-complete"
_SOURCE = ".guide-rag-source"


class SlimVenvError(Exception):
    """pip failed; the message holds its output."""


def source_digest() -> str:
    """sha256 of everything the wheel is built from."""
    digest = hashlib.sha256()
    files = [ROOT / f for f in BUILD_FILES]
    files += sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*") if _shipped(p))
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _shipped(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts


@contextmanager
def _checkout_copy() -> Iterator[Path]:
    """The checkout's packaged files in a temporary folder: pip builds there, not in the tree."""
    with tempfile.TemporaryDirectory(prefix="guide-rag-src-") as tmp:
        target = Path(tmp) / "guide-rag"
        target.mkdir()
        for name in BUILD_FILES:
            shutil.copy(ROOT / name, target / name)
        for pkg in PACKAGES:
            shutil.copytree(ROOT / pkg, target / pkg, ignore=shutil.ignore_patterns("__pycache__"))
        yield target


def _pip(venv: Path, *args: str) -> None:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True, text=True, check=False, timeout=1200,
    )  # fmt: skip
    if done.returncode != 0:
        raise SlimVenvError(f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def serve_venv(cache: Path) -> Path:
    """The venv with `guide-rag[serve]` installed from this checkout (built or refreshed)."""
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    venv = cache / f"serve-{key}"
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / f"serve-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time
        source = source_digest()
        if not (venv / _DONE).is_file():
            shutil.rmtree(venv, ignore_errors=True)  # a build that died half-way
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
            with _checkout_copy() as checkout:
                _pip(venv, "install", "--quiet", f"{checkout}[serve]")  # a normal install
            (venv / _SOURCE).write_text(source)
            (venv / _DONE).write_text(key)
        elif (venv / _SOURCE).read_text() != source:
            # Same dependencies: only guide-rag's own code changed.
            with _checkout_copy() as checkout:
                _pip(venv, "install", "--quiet", "--no-deps", "--force-reinstall", str(checkout))
            (venv / _SOURCE).write_text(source)
    return venv


def size_mb(path: Path) -> float:
    total = sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())
    return round(total / 1e6, 1)
