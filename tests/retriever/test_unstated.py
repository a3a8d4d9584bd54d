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
        ("do community discussion hosts get paid or receive a stipend?", [SESSION], True),
        ("do discussion hosts get paid?", ["Hosts are volunteers."], False),
        ("what's Safari's global market share?", ["Safari is popular on iOS."], True),
        ("what percentage of teams test on real devices?", ["Most teams keep a few."], False),
        # Whether something costs at all.
        ("is that going to cost anything?", ["It will not cost you anything."], False),
        ("does it cost money?", ["It won't cost you a thing."], False),
        ("is that going to cost anything?", [ROLE], True),
        ("is it free or do I have to pay?", ["Use tools like Pinecone or Weaviate."], True),
        ("is Pinecone free?", ["Pinecone has a free tier."], False),
        ("is Pinecone free?", ["Tools: Pinecone or Weaviate."], True),
        ("is the guide free of jargon?", [ROLE], False),  # not asking a price
        # "How long" of a length, and questions that ask for neither: the judge's to decide.
        ("how long should my CV be?", [ROLE], False),
        ("what does a research scientist do?", [ROLE], False),
    ],
)  # fmt: skip
def test_a_duration_or_an_amount_asked_for_must_be_stated(
    question: str, passages: list[str], refused: bool
) -> None:
    assert unstated(question, passages) is refused


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("how much do nurses earn?", True),
        ("What's the typical salary for an MLOps engineer?", True),
        ("devops engineer salary", True),
        ("what's the avg salary for an ai product manager?", True),
        ("what does an ai safety job pay?", True),
        ("is weaviate free or do you have to pay for it", True),
        # Whom the paragraph names, however the question spells or qualifies them.
        ("How much do entry-level AI engineers usually earn?", False),
        ("My name is Zanzibar Quill: how much do entry-level AI engineers earn?", False),
        ("junior ai engineer compensation range", False),
        ("how much do mles make?", False),
        ("ML vs AI salary", False),
        # Pay as a verb, or nobody named: not this rule's to refuse.
        ("do research labs pay ML engineers more?", False),
        ("what do they earn?", False),
    ],
)  # fmt: skip
def test_an_amount_is_stated_for_whom_it_is_asked_of(question: str, refused: bool) -> None:
    salaries = "Entry level AI engineers earn $90,000. ML engineers earn a bit more."
    assert unstated(question, [ROLE, salaries]) is refused


def test_a_price_is_stated_for_what_it_is_asked_of() -> None:
    venue = "Budget for the venue: it can cost $200 a day."
    assert unstated("what does a Socrative subscription cost per year?", [venue])
    assert not unstated("how much does the venue cost?", [venue])
    # No passage states an amount at all: the judge's to decide, or the rule above's.
    assert not unstated("devops engineer salary", [ROLE])


def test_a_duration_is_stated_for_what_it_is_asked_of() -> None:
    agenda = "Participants discuss instructor training checkout (5 minutes)."
    asked = "how long does the code of conduct committee usually take to respond to a report?"
    assert unstated(asked, [agenda])
    assert not unstated(asked, ["The Code of Conduct committee responds within two weeks."])
    assert not unstated("how long are pre- and post-workshop discussions?", [
        "Pre- and post-workshop discussions last one hour."
    ])  # fmt: skip


def test_the_shipped_guide_refuses_to_time_what_it_does_not_time(fake_qa: QA) -> None:
    # The guide names research scientist roles and gives no time to reach them.
    asked = "How long does it take to become a research scientist?"
    assert fake_qa.ask(asked).abstained
    assert not fake_qa.ask("How much do entry-level AI engineers earn?").abstained
