"""The adapted model's card: what it was made from, beside its weights.

guide_rag_card.json holds the facts for machines (the digest that makes a second `guide-rag
tune` a no-op); a section appended to the folder's README.md says the same for people.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CARD = "guide_rag_card.json"


@dataclass(frozen=True, kw_only=True)
class Card:
    inputs: str  # digest of everything that went into the weights and the judge
    base_model: str
    base_fingerprint: str
    general: str  # the general model's folder (models/general/<digest>)
    recipe: dict[str, Any]  # the general stage's
    adapt_recipe: dict[str, Any]
    sources: dict[str, float]  # self-supervised pairs per chunk, by source
    general_pairs: int
    questions: int
    adapt_pairs: int
    guides: list[str]  # the documents the model was adapted to
    skipped: list[str]  # train question ids whose facts no chunk holds any more
    abstention: dict[str, Any] = field(default_factory=dict)  # source and how it did on dev
    seconds: float
    created_at: str

    def write(self, model_dir: Path) -> None:
        (model_dir / CARD).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        readme = model_dir / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
        readme.write_text(text + "\n\n" + self.markdown(), encoding="utf-8")

    def markdown(self) -> str:
        return "\n".join(
            [
                "# guide-rag adaptation",
                "",
                f"From `{self.base_model}` (weights {self.base_fingerprint[:12]}): trained on "
                f"{self.general_pairs} pairs of {self.questions} human questions "
                f"(`{self.general}`), then adapted to {', '.join(self.guides)} on "
                f"{self.adapt_pairs} pairs from their own text ({self.sources}), in "
                f"{self.seconds:.0f} s. Skipped questions (facts gone): {self.skipped or 'none'}.",
                f"Abstention: {self.abstention.get('source', 'none')}.",
            ]
        )


def read_card(model_dir: Path) -> Card | None:
    try:
        return Card(**json.loads((model_dir / CARD).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None  # no card, or another format: the model is made again
