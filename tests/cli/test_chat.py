"""`guide-rag chat`: a conversation read from stdin, as a script or a pipe sends it, in a
subprocess on the fake model's index (it matches words: questions use the guide's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from config.settings import Settings
from tests.cli.test_app import assert_one_line_error
from tests.helpers import env_for

SALARY = "What salary do entry level AI engineers typically start at?"
READ_WITH = f"(read with: {SALARY})"


def chat(settings: Settings, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", "chat", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env_for(settings)},
    )


def test_a_follow_up_is_read_with_the_question_before_and_new_starts_afresh(
    fake_index: Settings,
) -> None:
    done = chat(fake_index, [SALARY, "and ML engineers?", "", "/new", "and ML engineers?",
                             "/quit", SALARY])  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers = done.stdout.split("Sources:")
    assert len(answers) == 4  # three questions answered; none after /quit
    assert "$90,000 to $130,000" in answers[0] and READ_WITH not in answers[0]
    assert "ML engineers see similar ranges" in answers[1] and READ_WITH in answers[1]
    assert READ_WITH not in answers[2]  # after /new: read alone
    assert "(new conversation)" in done.stderr and "Traceback" not in done.stderr


def test_a_question_over_the_limit_is_said_and_the_chat_goes_on(fake_index: Settings) -> None:
    done = chat(fake_index, ["x" * 1001, SALARY, "and ML engineers?"])
    assert done.returncode == 0
    assert done.stderr.strip() == "error: question: is 1001 characters; the limit is 1000"
    assert "$90,000 to $130,000" in done.stdout
    assert READ_WITH in done.stdout  # the refused line is not history


def test_a_greeting_is_replied_to_and_not_leaned_on(fake_index: Settings) -> None:
    done = chat(fake_index, ["hi", SALARY, "thanks!", "and ML engineers?"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Hello! Ask me anything about")
    assert "You're welcome." in done.stdout and READ_WITH in done.stdout


def test_an_unknown_guide_is_one_line_before_any_question(fake_index: Settings) -> None:
    done = chat(fake_index, [SALARY], "--document", "nope")
    assert_one_line_error(done, "documents: unknown document id 'nope'")
    assert done.stdout == ""


def test_json_gives_one_line_per_answer(fake_index: Settings) -> None:
    done = chat(fake_index, ["hi", SALARY, "/new", SALARY, "and ML engineers?"], "--json")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(a["social"], a["read_with"]) for a in answers] == [
        (True, []),
        (False, []),
        (False, []),
        (False, [SALARY]),
    ]
