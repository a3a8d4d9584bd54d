"""The regression gate: the final pipeline on the test split must not slide below these floors.

TARGETS are issue 3's goals. FLOORS are what the pipeline reached when this gate was set, less
a small allowance; raise them as the pipeline improves and never tune on the test split.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.evalset import load_eval_set
from evaluation.metrics import Row, run_eval
from evaluation.report import markdown_table, write_reports
from evaluation.variants import CONFIGS
from retriever.qa import QA
from tests.helpers import EVAL_DIR

TARGETS = {
    "hit@1": 0.85, "hit@3": 0.95, "mrr@10": 0.90, "fact@3": 0.95, "answer_facts": 0.90,
    "citation_precision": 0.90, "oos_abstained": 0.95,
}  # fmt: skip
# Set on the 79-question test split (q001-q160); the out-of-scope floor fell from 0.75 when the
# second batch of near misses (other professions, tool how-tos) joined the set.
FLOORS = {
    "hit@1": 0.70, "hit@3": 0.86, "mrr@10": 0.80, "fact@3": 0.78, "answer_facts": 0.58,
    "citation_precision": 0.70, "oos_abstained": 0.63,
}  # fmt: skip
MAX_FALSE_ABSTENTION = 0.06  # target 0.03
MAX_CHARS_AT_3 = 1200

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def rows(qa: QA) -> dict[str, dict[str, float]]:
    evalset = load_eval_set(EVAL_DIR).split("test")
    return {r.config: r.metrics for r in run_eval(qa, evalset, CONFIGS)}


def test_final_pipeline_holds_the_floors(rows: dict[str, dict[str, float]]) -> None:
    final = rows["final"]
    below = {m: round(final[m], 3) for m, floor in FLOORS.items() if final[m] < floor}
    assert not below, f"below the floor on the test split: {below}"
    assert final["false_abstention"] <= MAX_FALSE_ABSTENTION
    assert final["chars@3"] <= MAX_CHARS_AT_3


def test_fusion_beats_either_retriever_alone(rows: dict[str, dict[str, float]]) -> None:
    for metric in ("hit@3", "mrr@10", "fact@3"):
        assert rows["final"][metric] >= max(rows["bm25"][metric], rows["dense"][metric])


def test_reports_are_written(rows: dict[str, dict[str, float]], tmp_path: Path) -> None:
    table = [Row(name, metrics) for name, metrics in rows.items()]
    paths = write_reports(table, "test", tmp_path, {"note": "gate"})
    assert [p.name for p in paths] == ["eval-test.json", "eval-test.md", "eval-test.png"]
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| final |" in markdown_table(table)
