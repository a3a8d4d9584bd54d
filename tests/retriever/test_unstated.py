"""A question that asks how long or how much is answered only by passages that say so."""

from __future__ import annotations

import pytest

from retriever.qa import QA
from retriever.unstated import unstated

ROLE = "Research scientist positions at AI labs pushing the boundaries of the field."
PAY = "Entry level AI engineers typically start at $90,000 to $130,000."
SESSION = "Facilitate one-hour community discussion sessions that you have signed up to host."


@pytest.mark.parametrize(
    ("question", "passages", "refused"),
    [
        ("how long does it take to become a research scientist?", [ROLE], True),
        ("how many months does that usually take?", [ROLE, PAY], True),
        ("how long do I wait before giving up?", ["Wait ten minutes, then end the call."], False),
        ("how long will it take to hear back?", [SESSION], False),  # "one-hour"
        ("how many days do I have to finish checkout?", ["Discuss checkout (5 minutes)."], True),
        ("how many days do I have to finish checkout?", ["Finish within two weeks."], False),
        ("how many hours a week should I study?", ["Study 10 hours a week."], False),
        ("how much does it cost to join?", [ROLE], True),
        ("how much does it cost to join?", ["Joining is free for members."], False),
        ("how much do entry-level AI engineers earn?", [PAY], False),
        ("what's Safari's global market share?", ["Safari is popular on iOS."], True),
        ("what percentage of teams test on real devices?", ["Most teams keep a few."], False),
        # "How long" of a length, and questions that ask for neither: the judge's to decide.
        ("how long should my CV be?", [ROLE], False),
        ("what does a research scientist do?", [ROLE], False),
    ],
)  # fmt: skip
def test_a_duration_or_an_amount_asked_for_must_be_stated(
    question: str, passages: list[str], refused: bool
) -> None:
    assert unstated(question, passages) is refused


def test_the_shipped_guide_refuses_to_time_what_it_does_not_time(fake_qa: QA) -> None:
    # The guide names research scientist roles and gives no time to reach them.
    asked = "How long does it take to become a research scientist?"
    assert fake_qa.ask(asked).abstained
    assert not fake_qa.ask("How much do entry-level AI engineers earn?").abstained
