"""When an answer abstains: a judge weighs the question's evidence (retriever/evidence.py) into
the probability that the guides answer it, and abstains under a threshold.

The judge is a logistic regression `guide-rag tune` trains with each model on train questions
of several guides (never dev or test ones); its threshold is calibrated on the dev guides and
the shipped guide's dev split. Both are recorded in every index built with that model, so what
abstention means does not change when a guide is added. Without a judge (the base model, a fake
one) it is the best cosine against a threshold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from retriever.errors import ModelLoadError
from retriever.evidence import FEATURES, VERSION, Evidence

ABSTAIN_DEPTH = 5  # the hits evidence reads, whatever top_k a caller asks for
JUDGE_FILE = "abstention.json"  # beside a model's weights and in its serving folder


@dataclass(frozen=True, slots=True, kw_only=True)
class Judge:
    """P(in scope) = sigmoid(bias + Σ weight · (value − mean) / scale), feature by feature."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, evidence: Evidence) -> float:
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, evidence.values, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "evidence": VERSION,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Judge:
        if raw.get("evidence") != VERSION:
            raise ValueError(
                f"the judge was fitted on evidence of version {raw.get('evidence')!r}, this "
                f"guide-rag reads version {VERSION}: re-run `guide-rag tune`"
            )
        features = tuple(map(str, raw["features"]))
        if features != FEATURES:
            raise ValueError(
                f"the judge weighs {features}, this guide-rag measures {FEATURES}: "
                "re-run `guide-rag tune`"
            )
        columns = [tuple(float(x) for x in raw[k]) for k in ("mean", "scale", "weights")]
        if any(len(c) != len(FEATURES) for c in columns):
            raise ValueError("a judge needs one mean, scale and weight per feature")
        return cls(features=features, mean=columns[0], scale=columns[1], weights=columns[2],
                   bias=float(raw["bias"]))  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    """The abstention rule a build records: the judge (or none), its threshold, where they came
    from, how they did on the questions the threshold was fitted on, and what those were."""

    VERSION: ClassVar[int] = 2

    judge: Judge | None  # None: the best cosine against `threshold`
    threshold: float  # P(in scope) with a judge, else a cosine
    source: str
    inputs: str = ""  # what calibration read: ingest rebuilds when it changes
    fitted: Mapping[str, float] = field(default_factory=dict)  # e.g. dev_false_abstention

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.VERSION,
            "judge": self.judge.to_dict() if self.judge else None,
            "threshold": self.threshold,
            "source": self.source,
            "inputs": self.inputs,
            "fitted": dict(self.fitted),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Calibration:
        """ValueError for another version or a malformed record."""
        if raw.get("version") != cls.VERSION:
            raise ValueError(f"calibration version {raw.get('version')!r}, not {cls.VERSION}")
        try:
            judge = Judge.from_dict(raw["judge"]) if raw.get("judge") else None
            fitted = {str(k): float(v) for k, v in dict(raw.get("fitted") or {}).items()}
            return cls(judge=judge, threshold=float(raw["threshold"]), source=str(raw["source"]),
                       inputs=str(raw.get("inputs", "")), fitted=fitted)  # fmt: skip
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed calibration ({exc})") from exc


@dataclass(frozen=True)
class Abstention:
    """The rule in force and where it came from (shown by /ready)."""

    threshold: float
    source: str
    judge: Judge | None = None

    @classmethod
    def of(cls, calibration: Calibration) -> Abstention:
        return cls(calibration.threshold, calibration.source, calibration.judge)

    @property
    def kind(self) -> str:
        return "judge" if self.judge else "cosine"

    def score(self, evidence: Evidence) -> float:
        """What is compared with the threshold: P(in scope), or the best cosine."""
        return self.judge.probability(evidence) if self.judge else evidence["cos1"]

    def abstains(self, evidence: Evidence) -> bool:
        return self.score(evidence) < self.threshold


def read_calibration(path: Path) -> Calibration | None:
    """The calibration a model folder holds (`guide-rag tune` writes it), if any."""
    target = path / JUDGE_FILE
    if not target.is_file():
        return None
    try:
        return Calibration.from_dict(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"{target} is unreadable ({exc}): re-run `guide-rag tune`") from exc
