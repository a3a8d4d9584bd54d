"""When an answer abstains: the best cosine is too low, or the question is out of the guide's
scope by the classifier `guide-rag tune` trains with the model.

Both thresholds are fitted on the eval set's dev split at ingest (evaluation/calibration.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from retriever.errors import ModelLoadError

if TYPE_CHECKING:
    from retriever.search import Candidate

SCOPE_FILE = "scope.json"
# Abstention reads the best cosine among this many hits, whatever top_k a caller asks for, so
# that top_k=1 does not abstain more than top_k=20. Calibration reads the same signal.
ABSTAIN_DEPTH = 5


@dataclass(frozen=True)
class Scope:
    """Logistic regression over a question's embedding: P(the guide covers it).

    Trained by `guide-rag tune` on the train split (in-scope vs out-of-scope questions) with the
    model's own vectors, and stored beside the model as scope.json.
    """

    weights: np.ndarray
    bias: float

    def probability(self, vector: np.ndarray) -> float:
        return 1.0 / (1.0 + math.exp(-(float(self.weights @ vector) + self.bias)))

    def save(self, model_dir: Path) -> None:
        payload = {"weights": [float(w) for w in self.weights], "bias": self.bias}
        (model_dir / SCOPE_FILE).write_text(json.dumps(payload), encoding="utf-8")

    @classmethod
    def load(cls, model_dir: Path) -> Scope | None:
        path = model_dir / SCOPE_FILE
        if not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(np.asarray(raw["weights"], dtype=np.float32), float(raw["bias"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"{path} is unreadable ({exc}): re-run `guide-rag tune`") from exc


@dataclass(frozen=True, slots=True)
class Signals:
    cosine: float  # the best cosine among the first ABSTAIN_DEPTH candidates
    scope: float  # P(in scope); 1.0 when the model has no scope classifier


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    """The abstention thresholds a build records: their values, where they came from, how they
    did on the questions they were fitted on, and a digest of what calibration read."""

    VERSION: ClassVar[int] = 1

    min_score: float
    min_scope: float = 0.0  # 0: the scope classifier is not used
    source: str
    inputs: str = ""  # ingest rebuilds when the calibration's inputs change
    dev_false_abstention: float | None = None
    dev_out_of_scope_abstained: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.VERSION, **{f: getattr(self, f) for f in _FIELDS}}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Calibration:
        """ValueError for another version or a malformed record."""
        if raw.get("version") != cls.VERSION:
            raise ValueError(f"calibration version {raw.get('version')!r}, not {cls.VERSION}")
        try:
            return cls(**{f: raw[f] for f in _FIELDS if f in raw})
        except TypeError as exc:
            raise ValueError(f"malformed calibration ({exc})") from exc


_FIELDS = ("min_score", "min_scope", "source", "inputs", "dev_false_abstention",
           "dev_out_of_scope_abstained")  # fmt: skip


@dataclass(frozen=True)
class Abstention:
    """The thresholds in force and where they came from (shown by /ready)."""

    min_score: float
    source: str
    scope: Scope | None = None
    min_scope: float = 0.0

    @classmethod
    def calibrated(cls, calibration: Calibration, scope: Scope | None) -> Abstention:
        """The thresholds a build's calibration records."""
        min_scope = calibration.min_scope if scope else 0.0
        return cls(calibration.min_score, calibration.source, scope if min_scope else None,
                   min_scope)  # fmt: skip

    def signals(self, pool: Sequence[Candidate], vector: np.ndarray) -> Signals:
        cosine = max((c.cosine for c in pool[:ABSTAIN_DEPTH]), default=float("-inf"))
        return Signals(cosine, self.scope.probability(vector) if self.scope else 1.0)

    def abstains(self, signals: Signals) -> bool:
        return signals.cosine < self.min_score or signals.scope < self.min_scope
