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


def test_onnx_gives_the_token_states_torch_gives_from_the_same_call() -> None:
    onnx = embedder_for(SETTINGS)
    torch = TorchEmbedder(ModelFiles.of(model_name(SETTINGS)), threads=1)
    texts = [
        "How much do entry-level AI engineers earn?",
        "What about ML folks?",
        "A passage: ML engineers build the platforms that train and serve models.",
    ]
    vectors, tokens = onnx.encode_tokens(texts)
    reference, expected = torch.encode_tokens(texts)
    # The same vectors as each text encoded alone (unpadded: the serving path).
    alone = np.stack([onnx.encode([t])[0] for t in texts])
    np.testing.assert_allclose(vectors, alone, atol=1e-5)
    assert float((vectors * reference).sum(axis=1).min()) >= 0.9999
    for got, want in zip(tokens, expected, strict=True):
        assert got.pieces == want.pieces
        assert "[CLS]" not in got.pieces and "[SEP]" not in got.pieces
        assert float((got.states * want.states).sum(axis=1).min()) >= 0.999


def test_micro_batched_questions_keep_their_vectors() -> None:
    onnx = embedder_for(SETTINGS)
    batching = MicroBatching(onnx, slots=1, max_batch=8)  # one slot: questions must queue
    dev = load_eval_set(EVAL_DIR).split("dev")
    questions = [q.question for q in dev.questions][:64]
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(lambda q: batching.encode_tokens([q]), questions))
    alone = [onnx.encode_tokens([q]) for q in questions]
    for (vector, [tokens]), (expected, [own]) in zip(together, alone, strict=True):
        assert float(vector[0] @ expected[0]) >= 0.9999
        assert tokens.pieces == own.pieces
        assert float((tokens.states * own.states).sum(axis=1).min()) >= 0.999


def test_short_questions_are_not_padded() -> None:
    tokenizer = ModelFiles.of(model_name(SETTINGS)).tokenizer()
    assert len(tokenizer.encode("ml eng pay?").ids) < 10  # the file pads to 128


def test_a_missing_export_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="run `guide-rag ingest`"):
        ServingModel.open(tmp_path / "none")
