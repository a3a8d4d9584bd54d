"""Markdown as docs sites write it: what a reader sees is text, what the site generator reads
(admonition markers, template tags, front matter) is not, and every span is the file's."""

from __future__ import annotations

from pathlib import Path

from ingest.budgets import Budgets
from ingest.loaders import load_document
from ingest.markdown import parse_markdown

DOCS_SITE = """---
title: Host handbook
---

## Before the session

Read the agenda before you start.

!!! note "Timing"
    Sign on at least five minutes early so that the co-host can test audio.

    - Test the microphone
    - Open the notes

???+ warning
    Never record a session without asking every participant first.

:::tip Good practice
Keep each answer short and invite others to speak.
:::

The etherpad is at {{ etherpad_url }}.

    print("indented code is not prose")
"""


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in parse_markdown(text, Budgets().start("guide.md"))]


def test_admonitions_are_prose_without_their_markers() -> None:
    assert _blocks(DOCS_SITE) == [
        ("heading", "Host handbook"),
        ("heading", "Before the session"),
        ("paragraph", "Read the agenda before you start."),
        ("paragraph", "Sign on at least five minutes early so that the co-host can test audio."),
        ("list_item", "Test the microphone"),
        ("list_item", "Open the notes"),
        ("paragraph", "Never record a session without asking every participant first."),
        ("paragraph", "Keep each answer short and invite others to speak."),
        ("paragraph", "The etherpad is at ."),
    ]


def test_spans_are_the_file_offsets_of_admonition_bodies() -> None:
    blocks = parse_markdown(DOCS_SITE, Budgets().start("guide.md"))
    body = next(b for b in blocks if b.text.startswith("Sign on"))
    assert DOCS_SITE[body.span[0] : body.span[1]].strip() == body.text
    item = next(b for b in blocks if b.text == "Open the notes")
    assert DOCS_SITE[item.span[0] :].startswith("    - Open the notes\n")


def test_a_line_that_only_starts_like_a_marker_is_text() -> None:
    text = "# Guide\n\n!!! This is exciting, and it is prose.\n"
    assert _blocks(text)[1] == ("paragraph", "!!! This is exciting, and it is prose.")


def test_heading_attributes_emoji_shortcodes_and_footnote_marks_are_not_text() -> None:
    text = (
        "# Guide {#top}\n\n## :rocket: Setup {: .no_toc }\n\nInstall the tool.[^1] It takes "
        "10:30 minutes.\n\n[^1]: On Linux only.\n"
    )
    assert _blocks(text) == [
        ("heading", "Guide"),
        ("heading", "Setup"),
        ("paragraph", "Install the tool. It takes 10:30 minutes."),
        ("paragraph", "On Linux only."),
    ]


def test_a_myst_admonition_is_prose_without_its_options() -> None:
    text = (
        "# Guide\n\n```{admonition} Case study\n:class: tip\n:name: remote\n"
        "A speaker joined remotely.\n```\n"
    )
    assert _blocks(text) == [("heading", "Guide"), ("paragraph", "A speaker joined remotely.")]


def test_task_boxes_bold_labels_and_definition_terms_read_as_a_reader_sees_them() -> None:
    text = (
        "## Leave\n\n- [x] Book the dates\n- [ ] Tell the team\n\n"
        "> **Note**\n> Ask your manager before booking.\n\n"
        "Carry-over\n: Up to five days move to the next year.\n\n"
        "**Bold** words inside\na paragraph stay as they are.\n"
    )
    assert _blocks(text) == [
        ("heading", "Leave"),
        ("list_item", "Book the dates"),
        ("list_item", "Tell the team"),
        ("paragraph", "Note: Ask your manager before booking."),
        ("paragraph", "Carry-over: Up to five days move to the next year."),
        ("paragraph", "Bold words inside a paragraph stay as they are."),
    ]


def test_mdx_imports_exports_and_comments_are_not_text(tmp_path: Path) -> None:
    # Docusaurus pages (.mdx, and .md read as MDX): ESM lines and {/* comments */} are the
    # site's; what the JSX components wrap is the page's text.
    path = tmp_path / "install.mdx"
    path.write_text(
        "# Install\n\nimport Tabs from '@theme/Tabs';\n\n{/* keep it short */}\n\n"
        'It runs anywhere.\n\n<Tabs>\n<TabItem value="mac">\n\nUse Homebrew.\n\n</TabItem>\n'
        "</Tabs>\n\nexport const meta = {draft: false};\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert [u.text for s in doc.sections for u in s.units] == ["It runs anywhere.", "Use Homebrew."]


def test_a_repeated_heading_is_named_by_its_levels_not_by_an_empty_sibling(
    tmp_path: Path,
) -> None:
    path = tmp_path / "guide.md"
    path.write_text(
        "# Guide\n\n## Part A\n\n### Setup\n\nInstall it.\n\n## Part B\n\n## Setup\n\nRun it.\n",
        encoding="utf-8",
    )
    titles = [s.title for s in load_document(path).sections]
    assert titles == ["Part A — Setup", "Setup"]


def test_a_formatted_template_link_keeps_its_words() -> None:
    # The Carpentries handbook's list of pads read "- : This Etherpad contains…" before.
    text = (
        "# Tools\n\n"
        "- {{'[Community Discussions Etherpad]({}/community-discussions)'.format(etherpad)}}: "
        "where members sign up.\n"
        '- Follow {{"[the Code of Conduct]({})".format(coc)}} and {{ footer }} always.\n'
        "- Ask {{'{}'.format(host)}} first.\n"
    )
    assert _blocks(text)[1:] == [
        ("list_item", "Community Discussions Etherpad: where members sign up."),
        ("list_item", "Follow the Code of Conduct and always."),
        ("list_item", "Ask first."),
    ]
