"""A model as the read side runs it: one folder holding the ONNX graph, its tokenizer and what
it is (model.json). It needs no sentence-transformers folder and no torch, so an index and the
folders of the models it names are all a server needs (a bundle ships exactly that).

Exports live under <models dir>/serving/<first 32 hex of the weights' sha256>/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retriever.embedding.model import ModelRef, load_tokenizer
from retriever.errors import ModelLoadError

SERVING = "serving"
ONNX_FILE = "model.onnx"
TOKENIZER = "tokenizer.json"
DESCRIPTION = "model.json"
FORMAT = 1


def serving_dir(models_dir: Path, fingerprint: str) -> Path:
    return models_dir / SERVING / fingerprint[:32]


@dataclass(frozen=True, slots=True)
class ServingModel:
    path: Path
    ref: ModelRef
    max_seq_length: int

    @classmethod
    def open(cls, path: Path, name: str | None = None) -> ServingModel:
        """The export at `path`; ModelLoadError saying what to run when it is missing or bad.

        Exports are shared by weights: `name` is the model asked for (a tuned model that is a
        copy of the general one serves the general one's export under its own name)."""
        described = path / DESCRIPTION
        try:
            raw: dict[str, Any] = json.loads(described.read_text(encoding="utf-8"))
            ref = ModelRef(name=name or str(raw["name"]), fingerprint=str(raw["fingerprint"]),
                           dim=int(raw["dim"]))  # fmt: skip
            if int(raw["format"]) != FORMAT:
                raise ValueError(f"format {raw['format']}, this guide-rag reads {FORMAT}")
            max_len = int(raw["max_seq_length"])
        except FileNotFoundError:
            raise ModelLoadError(
                f"no exported model at {path}: run `guide-rag ingest` (it exports the model it "
                "embeds with), or serve a bundle that holds it"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(
                f"{described} is unreadable ({exc}): delete {path} and run `guide-rag ingest`"
            ) from exc
        for name in (ONNX_FILE, TOKENIZER):
            if not (path / name).is_file():
                raise ModelLoadError(f"{path} lacks {name}: delete it and run `guide-rag ingest`")
        return cls(path, ref, max_len)

    def tokenizer(self) -> Any:
        return load_tokenizer(self.path / TOKENIZER, self.max_seq_length)

    @staticmethod
    def describe(path: Path, ref: ModelRef, max_seq_length: int) -> None:
        payload = {"format": FORMAT, "name": ref.name, "fingerprint": ref.fingerprint,
                   "dim": ref.dim, "max_seq_length": max_seq_length}  # fmt: skip
        (path / DESCRIPTION).write_text(json.dumps(payload, indent=2), encoding="utf-8")
