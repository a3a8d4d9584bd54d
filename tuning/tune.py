"""`guide-rag tune`: a model adapted to the guides being served, in two stages (tuning/stages.py),
with its abstention judge; swapped in whole and exported for serving.

A second run with the same inputs (base weights, questions, guides, recipe) is a no-op.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.settings import Settings
from evaluation.evalset import Question
from ingest.embedder import embedder_for
from retriever.abstention import read_calibration
from tuning.card import Card, read_card
from tuning.plan import SOURCES, Plan, plan
from tuning.selfsup import Mix
from tuning.stages import adapted_model, general_model, swap


@dataclass(frozen=True, kw_only=True)
class TuneReport:
    model_dir: Path
    up_to_date: bool
    card: Card
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"model_dir": str(self.model_dir), "up_to_date": self.up_to_date,
                "seconds": round(self.seconds, 3), "card": asdict(self.card)}  # fmt: skip


def run_tune(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    extra: Sequence[Question] = (),
    progress: bool = False,
    force: bool = False,
    mix: Mix = SOURCES,
) -> TuneReport:
    """`mix`: the self-supervised sources of the adaptation stage (the ablation varies it)."""
    started = time.perf_counter()
    p = plan(settings, paths, extra, mix=mix)
    target = settings.tuned_dir
    card = read_card(target)
    up_to_date = card is not None and card.inputs == p.digest and not force
    if card is None or not up_to_date:
        general = general_model(settings, p, progress)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
            out = Path(tmp) / "model"
            adapted_model(p, general, out, progress)
            card = _card(p, general.name, out, started)
            card.write(out)
            swap(out, target)
    # The serving form of the model, made here where torch may run (a no-op once made).
    embedder_for(settings, str(target))
    return TuneReport(model_dir=target, up_to_date=up_to_date, card=card,
                      seconds=time.perf_counter() - started)  # fmt: skip


def _card(p: Plan, general: str, out: Path, started: float) -> Card:
    calibration = read_calibration(out)
    return Card(
        inputs=p.digest, base_model=p.base.name, base_fingerprint=p.base.fingerprint,
        general=general, recipe=p.recipe.to_dict(), adapt_recipe=p.adapt_recipe.to_dict(),
        sources=p.mix.to_dict(), general_pairs=len(p.general.pairs),
        questions=p.general.questions, adapt_pairs=len(p.adapt),
        guides=sorted({c.document_id for c in p.corpus}),
        skipped=[q.id for q in p.general.skipped],
        abstention=(
            {"source": calibration.source, "threshold": calibration.threshold,
             **calibration.fitted} if calibration else {}
        ),
        seconds=round(time.perf_counter() - started, 1),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )  # fmt: skip
