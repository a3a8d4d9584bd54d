"""The eval guides (`corpus/eval/guides/`): public guides written by others, each with its own
blind questions, split by guide. Dev guides choose, test guides only report, train guides'
questions train (never dev or test ones)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from evaluation.errors import EvalSetError
from evaluation.evalset import EvalSet, load_eval_set

GUIDES_DIR = "guides"
CATALOGUE = "guides.jsonl"
GuideSplit = Literal["dev", "test", "train"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalGuide:
    id: str  # also its document id once indexed (see `corpus_of`)
    split: GuideSplit
    kind: str
    title: str
    path: Path
    licence: str
    source: str

    def questions(self) -> EvalSet:
        """Its questions, answered by this guide alone, ids prefixed with the guide's."""
        return load_eval_set(self.path.parent, train=False).of(self.id, prefix=f"{self.id}/")


def load_guides(
    eval_dir: Path, splits: tuple[GuideSplit, ...] = ("dev", "test")
) -> list[EvalGuide]:
    """The guides of `splits`, in catalogue order; none when the eval set has no guides."""
    folder = eval_dir / GUIDES_DIR
    catalogue = folder / CATALOGUE
    if not catalogue.is_file():
        return []
    guides: list[EvalGuide] = []
    try:
        for line in catalogue.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if r["split"] not in ("dev", "test", "train"):
                raise ValueError(f"{r['id']}: split {r['split']!r} is not dev, test or train")
            guide = EvalGuide(
                id=str(r["id"]), split=r["split"], kind=str(r["kind"]), title=str(r["title"]),
                path=folder / str(r["file"]), licence=str(r["licence"]), source=str(r["source"]),
            )  # fmt: skip
            if guide.split in splits:
                guides.append(guide)
    except (ValueError, KeyError, TypeError) as exc:
        raise EvalSetError(f"{catalogue} is malformed ({exc}): see its README") from exc
    missing = [str(g.path) for g in guides if not g.path.is_file()]
    if missing:
        raise EvalSetError(f"{catalogue} names missing guide files: {', '.join(missing)}")
    return guides


def corpus_of(guides: list[EvalGuide], folder: Path, *also: Path) -> Path:
    """A corpus folder holding `also` (e.g. the shipped guide) and each guide under its own id,
    as a user would drop them in: copies, so the guide's document id is its id."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in also:
        shutil.copy(path, folder / path.name)
    for guide in guides:
        shutil.copy(guide.path, folder / f"{guide.id}{guide.path.suffix}")
    return folder
