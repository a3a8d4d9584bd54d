"""The tuned model's card: what it was made from and how it did, beside its weights.

guide_rag_card.json holds the facts for machines (the inputs digest that makes a second
`guide-rag tune` a no-op); a section appended to the folder's README.md says the same for people.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CARD = "guide_rag_card.json"


@dataclass(frozen=True)
class Card:
    inputs: str  # digest of everything below that went into the weights
    base_model: str
    base_fingerprint: str
    train_sha256: str  # the train split's questions (and any feedback export)
    chunks_sha256: str  # the chunk texts the pairs were made against
    recipe: dict[str, Any]
    pairs: int
    questions: int
    skipped: list[str]  # train question ids whose facts no chunk holds any more
    out_of_scope: int  # train out-of-scope questions the scope classifier saw
    seconds: float
    created_at: str
    dev_before: dict[str, float] = field(default_factory=dict)
    dev_after: dict[str, float] = field(default_factory=dict)

    def write(self, model_dir: Path) -> None:
        (model_dir / CARD).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        readme = model_dir / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
        readme.write_text(text + "\n\n" + self.markdown(), encoding="utf-8")

    def markdown(self) -> str:
        rows = [
            f"| {m} | {self.dev_before.get(m, float('nan')):.3f} | {v:.3f} |"
            for m, v in self.dev_after.items()
        ]
        return "\n".join(
            [
                "# guide-rag tuning",
                "",
                f"Fine-tuned from `{self.base_model}` (weights {self.base_fingerprint[:12]}) by "
                f"`guide-rag tune` on {self.pairs} pairs from {self.questions} train-split "
                f"questions, in {self.seconds:.0f} s. Recipe: `{json.dumps(self.recipe)}`.",
                f"Train data sha256 {self.train_sha256[:12]}, chunk texts sha256 "
                f"{self.chunks_sha256[:12]}; skipped (facts gone): {self.skipped or 'none'}.",
                "",
                "Dev split, served pipeline, before and after:",
                "",
                "| metric | base | tuned |",
                "|---|---:|---:|",
                *rows,
            ]
        )


def read_card(model_dir: Path) -> Card | None:
    try:
        return Card(**json.loads((model_dir / CARD).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None  # no card, or another format: the model is made again
