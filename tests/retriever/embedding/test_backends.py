"""The serving backend (ONNX Runtime) gives the vectors the training backend (torch) gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from evaluation.evalset import load_eval_set
from ingest.embedder import embedder_for, model_name
from retriever.embedding import ModelFiles, ServingModel
from retriever.embedding.batching import MicroBatching
from retriever.embedding.torch_backend import TorchEmbedder
from retriever.errors import ModelLoadError
from tests.helpers import EVAL_DIR, real_settings_for

pytestmark = pytest.mark.model
SETTINGS = real_settings_for(Path("/nonexistent"))


def test_onnx_matches_torch_on_every_dev_question() -> None:
    onnx = embedder_for(SETTINGS)
    torch = TorchEmbedder(ModelFiles.of(model_name(SETTINGS)), threads=1)
    dev = load_eval_set(EVAL_DIR).split("dev")
    questions = [q.question for q in dev.questions] + [o.question for o in dev.out_of_scope]
    one_by_one = np.stack([onnx.encode([q])[0] for q in questions])
    batched = onnx.encode(questions)
    reference = torch.encode(questions)
    assert float((one_by_one * reference).sum(axis=1).min()) >= 0.9999
    assert float((batched * reference).sum(axis=1).min()) >= 0.9999
    assert onnx.fingerprint == torch.fingerprint  # one index serves both


def test_micro_batched_questions_keep_their_vectors() -> None:
    onnx = embedder_for(SETTINGS)
    batching = MicroBatching(onnx, slots=1, max_batch=8)  # one slot: questions must queue
    dev = load_eval_set(EVAL_DIR).split("dev")
    questions = [q.question for q in dev.questions][:64]
    with ThreadPoolExecutor(16) as pool:
        together = np.stack(list(pool.map(lambda q: batching.encode([q])[0], questions)))
    alone = np.stack([onnx.encode([q])[0] for q in questions])
    assert float((together * alone).sum(axis=1).min()) >= 0.9999


def test_short_questions_are_not_padded() -> None:
    tokenizer = ModelFiles.of(model_name(SETTINGS)).tokenizer()
    assert len(tokenizer.encode("ml eng pay?").ids) < 10  # the file pads to 128


def test_a_missing_export_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="run `guide-rag ingest`"):
        ServingModel.open(tmp_path / "none")
