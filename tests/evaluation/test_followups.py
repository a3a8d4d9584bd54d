"""The follow-up gate (issue 17): the served QA on the follow-up test split, each last turn read
with its chat's earlier questions. Chosen on dev; test only reports.

A target the method does not reach yet is asserted at a floor at its measured value (so a
regression fails) and kept, unchanged, in an xfail(strict) test that turns red the day it is met;
the evidence is in docs/api.md (Follow-ups).
"""

from __future__ import annotations

import pytest

from evaluation.evalset import load_eval_set
from evaluation.followups import FollowupScores, evaluate_followups, load_followups
from evaluation.metrics import evaluate_qa
from retriever.qa import QA
from tests.helpers import EVAL_DIR

pytestmark = pytest.mark.model

WITH_HISTORY = 0.90  # last-turn answer facts, read with the chat
UNANSWERABLE = 0.80  # follow-ups the guide does not answer, abstained
SWITCH_SLACK = 0.02  # topic switches: at least the single-question score less this
# Measured 2026-11-27: 47 of 56 follow-ups answered with their facts (0.839 since the judge
# reads token alignment, 0.804 before; 0.518 asked alone) and 1 of 7 unanswerable follow-ups
# abstained. The floors leave two conversations of spread on the first and none on the second
# (one abstention is the least it can hold). 2026-11-29: 49 of 56, and 2 of 7 since a question
# that asks how long or how much needs passages that say so (retriever/unstated.py); the second
# floor rose with it.
UNMET = {"with_history": 0.80, "unanswerable_abstained": 0.28}


@pytest.fixture(scope="module")
def scores(qa: QA) -> FollowupScores:
    conversations = [c for c in load_followups(EVAL_DIR) if c.split == "test"]
    assert len(conversations) >= 60
    return evaluate_followups(qa, conversations)


def test_topic_switches_are_answered_as_if_asked_alone(qa: QA, scores: FollowupScores) -> None:
    single = evaluate_qa(qa, load_eval_set(EVAL_DIR).split("test"))["answer_facts"]
    assert scores.switches >= 5
    assert scores.switches_answered >= single - SWITCH_SLACK
    assert scores.switches_answered >= scores.switches_alone


def test_the_chat_helps_the_follow_ups(scores: FollowupScores) -> None:
    assert scores.with_history > scores.without_history


def test_the_unmet_targets_hold_their_floor(scores: FollowupScores) -> None:
    assert scores.with_history >= UNMET["with_history"]
    assert scores.unanswerable_abstained >= UNMET["unanswerable_abstained"]


@pytest.mark.xfail(strict=True, reason="issue 17's follow-up targets are not met yet")
def test_the_follow_up_targets(scores: FollowupScores) -> None:
    assert scores.with_history >= WITH_HISTORY
    assert scores.unanswerable_abstained >= UNANSWERABLE
