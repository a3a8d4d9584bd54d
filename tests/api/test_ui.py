"""The web page at `/`, driven in Debian's Chromium by Playwright against a real server."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from tests.helpers import ROOT, env_for, live_server

try:
    from playwright.sync_api import Browser, Dialog, Page, Route, expect, sync_playwright
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


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def ask(page: Page, question: str) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#asked")).to_have_text(f"You asked: {question}")


def screenshot(page: Page, name: str) -> None:
    """A full-page picture in reports/ (git-ignored) for a person to look at."""
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    page.screenshot(path=str(reports / name), full_page=True)


def test_answer_with_clickable_citation(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title("guide-rag · Ask the career guide")
    ask(page, SALARY_QUESTION)
    answer = page.locator("#answer")
    expect(answer).to_contain_text("$90,000 to $130,000")
    expect(answer).not_to_have_class("answer abstained")
    cite = answer.locator("button.cite", has_text="[1]").first
    expect(cite).to_be_visible()

    cite.click()
    passage = page.locator("#passage")
    expect(passage).to_be_visible()
    expect(page.locator("#passage-title")).to_contain_text(SALARY_SECTION)
    expect(page.locator("#passage-meta")).to_contain_text("ai-vs-ml-engineering-career-guide")
    expect(page.locator("#passage-text")).to_contain_text("Entry level AI engineers")

    screenshot(page, "ui.png")


def test_keyboard_only(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # the first focusable element is the question box
    expect(page.locator("#question")).to_be_focused()
    page.keyboard.type(SALARY_QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).to_contain_text("$90,000 to $130,000")
    page.locator("#citations button.cite").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#passage-title")).to_contain_text(SALARY_SECTION)


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
    expect(page.locator("#asked")).to_have_text(
        "You asked: Can a web developer switch to AI engineering?"
    )
    expect(page.locator("#ask-button")).to_be_enabled()
    expect(page.locator("#status")).to_be_hidden()


def test_question_is_shown_literally_never_as_html(page: Page) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto("/")
    ask(page, XSS)
    expect(page.get_by_text(f"You asked: {XSS}")).to_be_visible()
    page.wait_for_load_state("networkidle")  # an injected <img src=x> would have loaded by now
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_abstention_is_said_plainly(page: Page) -> None:
    page.goto("/")
    ask(page, "zyzzyva quokka marmalade?")
    answer = page.locator("#answer")
    expect(answer).to_have_class("answer abstained")
    expect(answer).to_contain_text("No answer in the guide.")
    expect(page.locator("#sources")).to_be_hidden()


def test_empty_question_shows_the_server_message(page: Page) -> None:
    page.goto("/")
    page.click("#ask-button")
    status = page.locator("#status")
    expect(status).to_have_text("question: String should have at least 1 character")
    expect(status).to_have_class("status error")


def test_server_error_is_readable(page: Page) -> None:
    page.goto("/")
    page.route("**/ask", lambda route: route.fulfill(status=500, body="boom"))
    ask_box = page.locator("#question")
    ask_box.fill(SALARY_QUESTION)
    ask_box.press("Enter")
    expect(page.locator("#status")).to_contain_text("could not answer (HTTP 500)")
    page.route("**/ask", lambda route: route.abort())
    ask_box.press("Enter")
    expect(page.locator("#status")).to_contain_text("Could not reach the server")


def test_phone_width(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto("/")
        ask(page, SALARY_QUESTION)
        expect(page.locator("#question")).to_be_in_viewport()
        expect(page.locator("#ask-button")).to_be_in_viewport()
        expect(page.locator("#answer")).to_be_visible()
        box = page.locator("#answer").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("#citations button.cite").first.click()
        expect(page.locator("#passage")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "ui-phone.png")
    finally:
        context.close()


def test_feedback_buttons_record_a_verdict_with_the_opened_citation(
    page: Page, ui_dir: Path
) -> None:
    page.goto("/")
    ask(page, SALARY_QUESTION)
    feedback = page.locator("#feedback")
    expect(feedback).to_be_visible()
    page.locator("#answer button.cite").first.click()  # the reader opens [1]...
    page.get_by_role("button", name="Helpful", exact=True).click()  # ...and says it helped
    expect(page.locator("#feedback-status")).to_have_text("Thanks, recorded.")
    expect(page.get_by_role("button", name="Helpful", exact=True)).to_be_disabled()
    screenshot(page, "ui-feedback.png")
    with sqlite3.connect(ui_dir / "feedback.sqlite3") as conn:
        verdicts = conn.execute("SELECT verdict, question, chosen FROM feedback").fetchall()
    assert ("helpful", SALARY_QUESTION, 1) in verdicts


def test_a_follow_up_in_the_page_is_read_with_the_question_before(page: Page) -> None:
    page.goto("/")
    ask(page, SALARY_QUESTION)
    ask(page, "and ML engineers?")
    expect(page.locator("#answer")).to_contain_text("ML engineers see similar ranges")
