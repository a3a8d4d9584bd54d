"""The judge's evidence embeds each text once, however many indexes it goes into."""

from __future__ import annotations

import numpy as np

from retriever.embedding import FakeEmbedder
from tuning.judge import _Remembered


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
