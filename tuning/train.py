"""Fine-tuning with sentence-transformers' own trainer.

MultipleNegativesRankingLoss: each question against its positive chunk, with the other chunks
of the batch as negatives (a batch never holds the same chunk twice). Seeded: the same inputs
train the same model on the same machine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from retriever.embedding import ModelFiles
from tuning.pairs import Pair


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipe:
    epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    warmup: float = 0.1  # share of steps
    # bfloat16 autocast where the CPU computes it natively (AVX512-BF16, AMX): faster, and the
    # spread it adds is measured (docs/tuning.md); plain float32 elsewhere.
    bf16: bool = False
    loss: str = "MultipleNegativesRankingLoss"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def native_bf16() -> bool:
    """The CPU has bfloat16 instructions (Linux reports them in /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def fine_tune(
    base: ModelFiles, pairs: Sequence[Pair], recipe: Recipe, out: Path, progress: bool
) -> None:
    """Train from `base` on `pairs` and save a sentence-transformers folder at `out`."""
    import torch
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers
    from transformers.utils import logging as hf_logging

    # Keep the terminal to the progress bar. (transformers leaves this unannotated.)
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    torch.set_num_threads(os.cpu_count() or 1)  # training takes every core; serving takes one
    from transformers.trainer_callback import PrinterCallback

    model = SentenceTransformer(str(base.path), device="cpu")
    # A widget example of our own: sentence-transformers then skips its pass over the data
    # (and the progress bar it draws even with --json).
    model.model_card_data.widget = [{"text": pairs[0].question}] if pairs else []
    data = Dataset.from_dict(
        {"anchor": [p.question for p in pairs], "positive": [p.positive for p in pairs]}
    )
    args = SentenceTransformerTrainingArguments(
        output_dir=str(out / ".trainer"),
        num_train_epochs=recipe.epochs,
        per_device_train_batch_size=recipe.batch_size,
        learning_rate=recipe.learning_rate,
        warmup_steps=recipe.warmup,
        seed=recipe.seed,
        data_seed=recipe.seed,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        logging_strategy="no",
        report_to=[],
        disable_tqdm=not progress,
        use_cpu=True,
        bf16=recipe.bf16,
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=data,
        loss=MultipleNegativesRankingLoss(model),
    )
    trainer.remove_callback(PrinterCallback)  # it prints the training logs to stdout (--json)
    trainer.train()
    model.save(str(out))
