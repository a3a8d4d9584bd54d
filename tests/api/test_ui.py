"""The web page at `/`, driven in Debian's Chromium by Playwright against a real server."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from tests.helpers import ROOT, env_for, live_server

try:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Dialog,
        Locator,
        Page,
        Route,
        expect,
        sync_playwright,
    )
    from playwright.sync_api import Error as PlaywrightError
except ImportError:
    pytest.skip("playwright is not installed (pip install playwright)", allow_module_level=True)

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The page's server serves the fake model's index: it matches words, not meaning.
SALARY_QUESTION = "What salary do entry level AI engineers typically start at?"
SALARY_SECTION = "Career growth opportunities and market demand in AI and ML fields"
FOLLOW_UP = "and ML engineers?"  # short: read with the question before it
THIRD = "and their tools?"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ui_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-server")


@pytest.fixture(scope="module")
def server(fake_index: Settings, ui_dir: Path) -> Iterator[str]:
    env = {**env_for(fake_index), "GUIDE_RAG_FEEDBACK_DB": str(ui_dir / "feedback.sqlite3")}
    with live_server(env, ui_dir / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def context(browser: Browser, server: str) -> Iterator[BrowserContext]:
    # One context, a fresh page (tab) per test: a new context cost 0.9 s more CPU than a new
    # page, per test, in Chromium's processes. The page keeps nothing in cookies or storage, and
    # routes and listeners belong to the page, so tests still start clean.
    context = browser.new_context(base_url=server)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        page.close()


def turns(page: Page) -> Locator:
    """The conversation's answered questions, oldest first."""
    return page.locator("#thread > li.turn")


def ask(page: Page, question: str) -> Locator:
    """Ask with the keyboard; the new turn, once it shows at the bottom of the thread."""
    before = turns(page).count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(turns(page)).to_have_count(before + 1)
    turn = turns(page).last
    expect(turn.locator(".asked")).to_have_text(f"You asked: {question}")
    return turn


def screenshot(page: Page, name: str) -> None:
    """A full-page picture in reports/ (git-ignored) for a person to look at."""
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # sticky at rest
    page.screenshot(path=str(reports / name), full_page=True)


def verdicts(ui_dir: Path) -> list[tuple[str, str, str, int | None]]:
    with sqlite3.connect(ui_dir / "feedback.sqlite3") as conn:
        return conn.execute("SELECT answer_id, verdict, question, chosen FROM feedback").fetchall()


def test_answer_with_clickable_citation(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title("guide-rag · Ask the career guide")
    turn = ask(page, SALARY_QUESTION)
    answer = turn.locator(".answer")
    expect(answer).to_contain_text("$90,000 to $130,000")
    expect(answer).not_to_have_class("answer abstained")
    expect(turn.locator(".read-with")).to_have_count(0)  # a first question stands alone
    cite = answer.locator("button.cite", has_text="[1]").first
    expect(cite).to_be_visible()

    cite.click()
    expect(turn.locator(".passage")).to_be_visible()
    expect(turn.locator(".passage")).to_be_focused()
    expect(turn.locator(".passage-title")).to_contain_text(SALARY_SECTION)
    expect(turn.locator(".passage-meta")).to_contain_text("ai-vs-ml-engineering-career-guide")
    expect(turn.locator(".passage-text")).to_contain_text("Entry level AI engineers")
    expect(page.locator("#announcer")).to_contain_text("Answer 1: ")
    expect(page.locator("#announcer")).to_contain_text("$90,000 to $130,000")

    screenshot(page, "ui.png")


def test_keyboard_only(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # the first focusable element is the question box
    expect(page.locator("#question")).to_be_focused()
    page.keyboard.type(SALARY_QUESTION)
    page.keyboard.press("Enter")
    turn = turns(page).last
    expect(turn.locator(".answer")).to_contain_text("$90,000 to $130,000")
    expect(page.locator("#question")).to_be_focused()  # ready for a follow-up
    expect(page.locator("#question")).to_have_value("")
    page.keyboard.press("Tab")
    expect(page.locator("#ask-button")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#new-conversation")).to_be_focused()

    turn.locator(".citations button.cite").first.focus()
    page.keyboard.press("Enter")
    expect(turn.locator(".passage-title")).to_contain_text(SALARY_SECTION)
    # The answer's feedback is reachable by Tab from its citations, and works with Enter.
    turn.locator(".answer button.cite").first.focus()
    helpful = turn.get_by_role("button", name="Helpful", exact=True)
    for _ in range(20):
        page.keyboard.press("Tab")
        if helpful.evaluate("b => b === document.activeElement"):
            break
    expect(helpful).to_be_focused()
    page.keyboard.press("Enter")
    expect(turn.locator(".feedback-status")).to_have_text("Thanks, recorded.")

    page.locator("#new-conversation").focus()
    page.keyboard.press("Enter")
    expect(turns(page)).to_have_count(0)
    expect(page.locator("#question")).to_be_focused()


def test_example_question_and_loading_state(page: Page) -> None:
    held: list[Route] = []

    def hold(route: Route) -> None:  # keep the request waiting to see the page wait for it
        held.append(route)

    page.goto("/")
    page.route("**/ask", hold)
    page.get_by_role("button", name="Can a web developer switch to AI engineering?").click()
    expect(page.locator("#status")).to_have_text("Searching the guide…")
    expect(page.locator("#ask-button")).to_be_disabled()
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "the page never sent its /ask request"
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(turns(page).last.locator(".asked")).to_have_text(
        "You asked: Can a web developer switch to AI engineering?"
    )
    expect(page.locator("#ask-button")).to_be_enabled()
    expect(page.locator("#status")).to_be_hidden()
    expect(page.locator("#examples")).to_be_hidden()  # in a conversation, follow-ups take over
    expect(page.locator("#question")).to_be_focused()


def test_question_is_shown_literally_never_as_html(page: Page) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto("/")
    ask(page, XSS)
    expect(page.get_by_text(f"You asked: {XSS}")).to_be_visible()
    follow_up = ask(page, THIRD)  # read with the question before: shown as text too
    expect(follow_up.locator(".read-with")).to_have_text(f"read with: {XSS}")
    page.wait_for_load_state("networkidle")  # an injected <img src=x> would have loaded by now
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_no_third_party_requests(page: Page, server: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    ask(page, SALARY_QUESTION)
    page.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(server + "/") for url in requested), requested
    scripts = page.locator("script").evaluate_all("nodes => nodes.map(n => n.src)")
    assert scripts == [f"{server}/static/app.js"]


# A turn without sources says what it is: an abstention as such, a greeting as a reply (it
# read "No answer in the guide. Hello! …", in the abstention's box).
@pytest.mark.parametrize(
    ("question", "kind", "opening"),
    [
        ("zyzzyva quokka marmalade?", "abstained", "No answer in the guide. The guide does not"),
        ("hi!", "social", "Hello! Ask me anything about"),
    ],
)
def test_an_answer_without_sources_is_said_plainly(
    page: Page, question: str, kind: str, opening: str
) -> None:
    page.goto("/")
    turn = ask(page, question)
    expect(turn.locator(".answer")).to_have_class(f"answer {kind}")
    expect(turn.locator(".answer")).to_have_text(re.compile(f"^{re.escape(opening)}"))
    expect(page.locator("#announcer")).to_have_text(re.compile(f"^Answer 1: {re.escape(opening)}"))
    expect(turn.locator(".sources")).to_have_count(0)
    expect(turn.locator(".feedback")).to_be_hidden()


def test_empty_question_shows_the_server_message(page: Page) -> None:
    page.goto("/")
    page.click("#ask-button")
    status = page.locator("#status")
    expect(status).to_have_text("question: String should have at least 1 character")
    expect(status).to_have_class("status error")
    expect(page.locator("#conversation")).to_be_hidden()


def test_server_error_is_readable_and_keeps_the_conversation(page: Page) -> None:
    page.goto("/")
    ask(page, SALARY_QUESTION)
    page.route("**/ask", lambda route: route.fulfill(status=500, body="boom"))
    ask_box = page.locator("#question")
    ask_box.fill(FOLLOW_UP)
    ask_box.press("Enter")
    expect(page.locator("#status")).to_contain_text("could not answer (HTTP 500)")
    page.route("**/ask", lambda route: route.abort())
    ask_box.press("Enter")
    expect(page.locator("#status")).to_contain_text("Could not reach the server")
    expect(turns(page)).to_have_count(1)  # the failed follow-up joins nothing
    expect(ask_box).to_have_value(FOLLOW_UP)  # kept, to try again


def test_phone_width(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto("/")
        ask(page, SALARY_QUESTION)
        turn = ask(page, FOLLOW_UP)
        expect(page.locator("#question")).to_be_in_viewport()
        expect(page.locator("#ask-button")).to_be_in_viewport()
        expect(page.locator("#new-conversation")).to_be_in_viewport()
        for answer in turns(page).locator(".answer").all():
            box = answer.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        turn.locator(".citations button.cite").first.click()
        expect(turn.locator(".passage")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "ui-phone.png")
    finally:
        context.close()


def test_feedback_buttons_record_a_verdict_with_the_opened_citation(
    page: Page, ui_dir: Path
) -> None:
    page.goto("/")
    turn = ask(page, SALARY_QUESTION)
    expect(turn.locator(".feedback")).to_be_visible()
    turn.locator(".answer button.cite").first.click()  # the reader opens [1]...
    helpful = turn.get_by_role("button", name="Helpful", exact=True)
    helpful.click()  # ...and says it helped
    expect(turn.locator(".feedback-status")).to_have_text("Thanks, recorded.")
    expect(helpful).to_be_disabled()
    screenshot(page, "ui-feedback.png")
    answer_id = turn.get_attribute("data-answer-id")
    assert (answer_id, "helpful", SALARY_QUESTION, 1) in verdicts(ui_dir)


def test_a_three_turn_conversation_then_a_new_one(page: Page, ui_dir: Path) -> None:
    sent: list[dict[str, object]] = []  # the bodies of the page's POST /ask, in order
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/ask") else None)
    page.goto("/")
    questions = [SALARY_QUESTION, FOLLOW_UP, THIRD]
    for question in questions:
        ask(page, question)

    thread = turns(page)
    expect(thread.last.locator(".answer")).to_be_in_viewport()  # the newest, scrolled to
    expect(thread.locator(".asked")).to_have_text([f"You asked: {q}" for q in questions])
    first, second, third = thread.nth(0), thread.nth(1), thread.nth(2)
    for turn in (first, second, third):
        expect(turn.locator(".answer")).to_be_visible()
        expect(turn.locator(".feedback")).to_be_visible()
        expect(turn.locator(".citations button.cite").first).to_be_visible()
    expect(first.locator(".answer")).to_contain_text("$90,000 to $130,000")
    expect(second.locator(".answer")).to_contain_text("ML engineers see similar ranges")
    # What the third answer says is the follow-up logic's (measured by `guide-rag eval`); the
    # page's part is that it is there, cited, and read with the turn before.
    expect(third.locator(".answer")).not_to_be_empty()
    expect(first.locator(".read-with")).to_have_count(0)
    expect(second.locator(".read-with")).to_have_text(f"read with: {SALARY_QUESTION}")
    expect(third.locator(".read-with")).to_contain_text(f"read with: {FOLLOW_UP}")
    expect(page.locator("#announcer")).to_contain_text("Answer 3: ")
    expect(page.locator("#conversation-count")).to_have_text("3 questions so far")
    assert [body.get("history") for body in sent] == [None, [SALARY_QUESTION], questions[:2]]
    ids = [turn.get_attribute("data-answer-id") for turn in (first, second, third)]
    assert len(set(ids)) == 3 and all(i and i.startswith("ans_") for i in ids)

    # Each answer opens its own passages: [2] of the first, then [1] of the third.
    first.locator(".citations button.cite", has_text="[2]").click()
    expect(first.locator(".passage-title")).to_have_text(f"[2] {SALARY_SECTION}")
    third.locator(".citations button.cite", has_text="[1]").click()
    expect(third.locator(".passage-title")).to_contain_text("[1] ")
    expect(first.locator(".passage")).to_be_visible()  # still open
    expect(second.locator(".passage")).to_be_hidden()
    # A verdict on the FIRST answer carries its id and the citation opened in it.
    first.get_by_role("button", name="Helpful", exact=True).click()
    expect(first.locator(".feedback-status")).to_have_text("Thanks, recorded.")
    expect(third.get_by_role("button", name="Helpful", exact=True)).to_be_enabled()
    assert (ids[0], "helpful", SALARY_QUESTION, 2) in verdicts(ui_dir)
    screenshot(page, "ui-conversation.png")

    page.get_by_role("button", name="New conversation").click()
    expect(thread).to_have_count(0)
    expect(page.locator("#conversation")).to_be_hidden()
    expect(page.locator("#examples")).to_be_visible()
    alone = ask(page, FOLLOW_UP)  # the same words, now with nothing before them
    expect(alone.locator(".read-with")).to_have_count(0)
    assert len(sent) == 4 and "history" not in sent[-1]


def canned(answer: str, **more: object) -> str:
    """A /ask response body as the server shapes it, to drive the page without the model."""
    body = {"id": "ans_canned", "answer": answer, "abstained": False, "citations": [],
            "read_with": [], "took_ms": 1.0, **more}  # fmt: skip
    return json.dumps(body)


def test_the_page_sends_at_most_the_last_20_questions(page: Page) -> None:
    sent: list[dict[str, Any]] = []

    def answer(route: Route) -> None:
        sent.append(route.request.post_data_json)
        route.fulfill(status=200, content_type="application/json", body=canned("An answer."))

    page.goto("/")
    page.route("**/ask", answer)
    questions = [f"Question {i}?" for i in range(22)]
    for question in questions:
        ask(page, question)
    assert sent[1]["history"] == questions[:1]
    assert sent[20]["history"] == questions[:20]
    assert sent[21]["history"] == questions[1:21]  # the oldest dropped, oldest first
    expect(page.locator("#conversation-count")).to_have_text("22 questions so far")


def test_what_the_server_says_is_shown_literally(page: Page) -> None:
    citation = {"n": 1, "document": XSS, "section": "<b>Pay</b>", "chunk_id": "c1",
                "score": 0.5, "text": "<script>alert(2)</script>"}  # fmt: skip
    body = canned(f"{XSS} [1]", citations=[citation], read_with=["<i>earlier</i>"])
    page.goto("/")
    page.route("**/ask", lambda route: route.fulfill(status=200, body=body))
    turn = ask(page, "What do they earn?")
    expect(turn.locator(".answer")).to_have_text(f"{XSS} [1]")
    expect(turn.locator(".read-with")).to_have_text("read with: <i>earlier</i>")
    turn.locator(".answer button.cite").click()
    expect(turn.locator(".passage-title")).to_have_text("[1] <b>Pay</b>")
    expect(turn.locator(".passage-text")).to_have_text("<script>alert(2)</script>")
    assert page.locator("img, b, i, main script").count() == 0


def test_an_answer_to_an_abandoned_conversation_does_not_join_the_new_one(page: Page) -> None:
    held: list[Route] = []
    page.goto("/")
    ask(page, SALARY_QUESTION)
    page.route("**/ask", lambda route: held.append(route))
    page.fill("#question", FOLLOW_UP)
    page.press("#question", "Enter")
    expect(page.locator("#status")).to_have_text("Searching the guide…")
    page.get_by_role("button", name="New conversation").click()
    expect(turns(page)).to_have_count(0)
    expect(page.locator("#status")).to_be_hidden()
    expect(page.locator("#ask-button")).to_be_enabled()
    assert len(held) == 1
    with contextlib.suppress(PlaywrightError):  # the page gave up on it: it may be gone
        held[0].fulfill(status=200, body=canned("A late answer."))
    expect(page.locator("#status")).to_be_hidden()  # no error for what the page dropped
    expect(turns(page)).to_have_count(0)
    page.unroute("**/ask")
    alone = ask(page, SALARY_QUESTION)
    expect(turns(page)).to_have_count(1)
    expect(alone.locator(".answer")).to_contain_text("$90,000 to $130,000")
