"""The judge's evidence embeds each text once, however many indexes it goes into; a judge of
other evidence than this guide-rag reads, or of another budget, or lost, is fitted again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from evaluation.calibration import MAX_FALSE_ABSTENTION
from retriever.abstention import JUDGE_FILE
from retriever.embedding import FakeEmbedder
from retriever.evidence import FEATURES, VERSION
from tuning.judge import _Remembered
from tuning.stages import _judged


def test_each_text_is_embedded_once_and_keeps_its_vector() -> None:
    fake = FakeEmbedder()
    remembered = _Remembered(fake)
    first = remembered.encode(
        ["pay of AI engineers", "tools of ML engineers", "pay of AI engineers"]
    )
    again = remembered.encode(["tools of ML engineers", "skills of data analysts"])
    assert fake.calls == [
        ["pay of AI engineers", "tools of ML engineers"],
        ["skills of data analysts"],
    ]
    alone = FakeEmbedder().encode(["pay of AI engineers", "tools of ML engineers"])
    np.testing.assert_array_equal(first, alone[[0, 1, 0]])
    np.testing.assert_array_equal(again[0], alone[1])
    assert remembered.encode([]).shape == (0, fake.dim)
    assert (remembered.name, remembered.fingerprint) == (fake.name, fake.fingerprint)


def test_token_states_are_remembered_with_their_vectors() -> None:
    fake = FakeEmbedder()
    remembered = _Remembered(fake)
    vectors, tokens = remembered.encode_tokens(["pay of AI engineers", "pay of AI engineers"])
    again, same = remembered.encode_tokens(["pay of AI engineers"])
    assert fake.calls == [["pay of AI engineers"]]
    assert tokens[0].pieces == same[0].pieces == ("pay", "of", "ai", "engineers")
    np.testing.assert_array_equal(vectors[1], again[0])
    remembered.encode(["pay of AI engineers"])  # the vector is not asked of the model again
    assert fake.calls == [["pay of AI engineers"]]


def test_a_judge_of_other_evidence_or_budget_or_none_is_fitted_again(tmp_path: Path) -> None:
    assert not _judged(tmp_path)  # a judge file lost since is fitted again
    judge = {"features": ["cos1"], "mean": [0.0], "scale": [1.0], "weights": [1.0], "bias": 0.0}
    record = {"version": 2, "judge": judge, "threshold": 0.5, "source": "an older guide-rag"}
    (tmp_path / JUDGE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert not _judged(tmp_path)
    n = len(FEATURES)
    judge.update(features=list(FEATURES), mean=[0.0] * n, scale=[1.0] * n, weights=[1.0] * n)
    (tmp_path / JUDGE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert not _judged(tmp_path)  # the same features, without the version of their reading
    judge["evidence"] = VERSION
    (tmp_path / JUDGE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert not _judged(tmp_path)  # calibrated to a false-abstention budget not recorded
    record["fitted"] = {"budget": MAX_FALSE_ABSTENTION / 2}
    (tmp_path / JUDGE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert not _judged(tmp_path)  # ... or to another one
    record["fitted"] = {"budget": MAX_FALSE_ABSTENTION}
    (tmp_path / JUDGE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert _judged(tmp_path)
