"""Export a sentence-transformers folder's transformer to ONNX (torch.onnx), once per model.

Runs where torch may run (ingest, tune), never in the server. Written to a temporary file and
renamed into place, so a crash leaves no half-written export.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

from retriever.embedding.model import ModelFiles, offline
from retriever.errors import ModelLoadError

OPSET = 17


def export_onnx(files: ModelFiles, target: Path) -> Path:
    """The export at `target`, made now if it is not there yet."""
    if target.is_file():
        return target
    offline()
    try:
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
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                )
                hidden: torch.Tensor = out.last_hidden_state
                return hidden

        model = HiddenStates()
        tokenizer = files.tokenizer()
        sample = tokenizer.encode("What do entry-level AI engineers earn?")
        ids = torch.tensor([sample.ids], dtype=torch.long)
        inputs = (ids, torch.ones_like(ids), torch.zeros_like(ids))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=target.parent)
        os.close(fd)
        axes = {0: "batch", 1: "tokens"}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes, for a fixed model
            torch.onnx.export(
                model,
                inputs,
                tmp,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(tmp, target)
    except ModelLoadError:
        raise
    except Exception as exc:
        raise ModelLoadError(
            f"cannot export model {files.name!r} to ONNX ({type(exc).__name__}: {exc}); "
            "set GUIDE_RAG_BACKEND=torch to serve it without ONNX"
        ) from exc
    return target
