"""Which part of an HTML page is the guide, and its headings where the page sets them in bold."""

from __future__ import annotations

from pathlib import Path

from ingest.budgets import Budgets
from ingest.html_page import parse_html
from ingest.loaders import load_document

BODY = "<p>Arrive fifteen minutes early and sign in.</p><p>Your coordinator shows you around.</p>"


def _blocks(html: str, *, whole_page: bool = True) -> list[tuple[str, str]]:
    guard = Budgets().start("page.html")
    return [(b.kind, b.text) for b in parse_html(html, guard, whole_page=whole_page)]


def test_a_page_without_headings_takes_its_short_bold_paragraphs_as_headings() -> None:
    # A CMS page whose author made the headings bold; bold words inside a sentence, or a bold
    # sentence, stay text.
    page = (
        "<html><head><title>Volunteer handbook</title></head><body><p>Thank you for helping."
        f"</p><p><strong>Your first shift</strong></p>{BODY}<p><b>Safety</b></p><p>Wear closed "
        "shoes. <strong>Never</strong> lift alone.</p><p><b>Always sign out.</b></p></body></html>"
    )
    assert _blocks(page) == [
        ("heading", "Volunteer handbook"),
        ("paragraph", "Thank you for helping."),
        ("heading", "Your first shift"),
        ("paragraph", "Arrive fifteen minutes early and sign in."),
        ("paragraph", "Your coordinator shows you around."),
        ("heading", "Safety"),
        ("paragraph", "Wear closed shoes. Never lift alone."),
        ("paragraph", "Always sign out."),
    ]


def test_bold_paragraphs_stay_text_where_the_page_has_headings_or_is_a_fragment() -> None:
    page = f"<h1>Handbook</h1><h2>First shift</h2><p><b>Before you start</b></p>{BODY}<h2>Next</h2>"
    assert ("paragraph", "Before you start") in _blocks(page)
    fragment = f"<p><b>Before you start</b></p>{BODY}"  # HTML inside a Markdown guide
    assert _blocks(fragment, whole_page=False)[0] == ("paragraph", "Before you start")


def test_a_table_headed_on_the_left_is_read_row_by_row(tmp_path: Path) -> None:
    # MDN's "Prerequisites / Objective" box: each row's header is its first cell (<th>); read
    # as a table with a header row, every row was a header over nothing, and left out.
    path = tmp_path / "testing.html"
    path.write_text(
        "<h1>Testing</h1><table><tr><th>Prerequisites:</th><td>HTML and CSS.</td></tr>"
        "<tr><th>Objective</th><td>Plan the tests.</td></tr></table>",
        encoding="utf-8",
    )
    assert [u.text for s in load_document(path).sections for u in s.units] == [
        "Prerequisites: HTML and CSS.",
        "Objective: Plan the tests.",
    ]
