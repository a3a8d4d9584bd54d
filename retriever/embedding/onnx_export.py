"""Export a sentence-transformers folder to a serving folder (serving.py), once per model.

Runs where torch may run (ingest, tune), never in the server. Written into a temporary folder
and renamed into place, so a crash leaves no half-written export.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

from retriever.abstention import JUDGE_FILE
from retriever.embedding.model import ModelFiles, ModelRef, offline
from retriever.embedding.serving import ONNX_FILE, TOKENIZER, ServingModel, serving_dir
from retriever.errors import ModelLoadError

OPSET = 17


def export_onnx(files: ModelFiles, models_dir: Path) -> ServingModel:
    """The serving folder of `files` under `models_dir`, exported now if it is not there yet."""
    target = serving_dir(models_dir, files.fingerprint)
    if target.is_dir():
        _sync_judge(files.path, target)
        return ServingModel.open(target, name=files.name)
    offline()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        _export(files, tmp / ONNX_FILE)
        shutil.copy(files.path / TOKENIZER, tmp / TOKENIZER)
        if (files.path / JUDGE_FILE).is_file():
            shutil.copy(files.path / JUDGE_FILE, tmp / JUDGE_FILE)
        ref = ModelRef(name=files.name, fingerprint=files.fingerprint, dim=files.dim)
        ServingModel.describe(tmp, ref, files.max_seq_length)
        try:
            tmp.rename(target)
        except OSError:  # another process exported the same model meanwhile
            if not target.is_dir():
                raise
    except ModelLoadError:
        raise
    except Exception as exc:
        raise ModelLoadError(
            f"cannot export model {files.name!r} to ONNX ({type(exc).__name__}: {exc}); "
            "set GUIDE_RAG_BACKEND=torch to run it without ONNX"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ServingModel.open(target, name=files.name)


def _sync_judge(source: Path, target: Path) -> None:
    """The model's abstention judge, re-fitted without new weights, reaches its export too."""
    given = source / JUDGE_FILE
    if not given.is_file():
        return
    text = given.read_text(encoding="utf-8")
    held = target / JUDGE_FILE
    if held.is_file() and held.read_text(encoding="utf-8") == text:
        return
    tmp = target / f".{JUDGE_FILE}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(held)


def _export(files: ModelFiles, path: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    bert = AutoModel.from_pretrained(str(files.path), attn_implementation="eager")
    bert.eval()

    class HiddenStates(torch.nn.Module):
        """Keyword arguments in, the last hidden states out (pooling happens outside)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:  # fmt: skip
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            hidden: torch.Tensor = out.last_hidden_state
            return hidden

    sample = files.tokenizer().encode("What do entry-level AI engineers earn?")
    ids = torch.tensor([sample.ids], dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes, for a fixed model
        torch.onnx.export(
            HiddenStates(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={name: axes for name in
                          ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
            opset_version=OPSET,
            dynamo=False,
        )  # fmt: skip
