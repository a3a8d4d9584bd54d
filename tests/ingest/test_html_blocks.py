"""HTML pages saved from docs sites: the main content is the guide, what sits beside it is not."""

from __future__ import annotations

from ingest.budgets import Budgets
from ingest.html_page import parse_html

SIDEBAR = (
    '<div class="sidebar"><h2>Related Topics</h2><ul><li><a href="/a">Getting started</a></li>'
    '<li><a href="/b">Soft skills</a></li></ul></div>'
)
HELPFUL = '<div class="feedback"><h2>Help improve this page</h2><p>Was this page helpful?</p></div>'
ARTICLE = (
    "<p>Finding a job takes a plan.</p><h2>Sell yourself</h2>"
    "<ul><li>Write a CV</li><li>Build a portfolio</li></ul>"
)


def _blocks(html: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in parse_html(html, Budgets().start("page.html"))]


ARTICLE_BLOCKS = [
    ("heading", "Finding a job"),
    ("paragraph", "Finding a job takes a plan."),
    ("heading", "Sell yourself"),
    ("list_item", "Write a CV"),
    ("list_item", "Build a portfolio"),
]


def test_a_page_with_a_main_element_is_read_from_it_alone() -> None:
    page = (f"<html><head><title>Finding a job</title></head><body>{SIDEBAR}"
            f"<main><article>{ARTICLE}</article></main>{HELPFUL}</body></html>")  # fmt: skip
    assert _blocks(page) == ARTICLE_BLOCKS


def test_an_element_with_role_main_counts_as_main_however_deep_it_nests() -> None:
    page = (f"<html><head><title>Finding a job</title></head><body>{SIDEBAR}"
            f'<div role="main"><div class="body"><div>{ARTICLE}</div></div></div>{HELPFUL}'
            "</body></html>")  # fmt: skip
    assert _blocks(page) == ARTICLE_BLOCKS


def test_a_page_without_main_is_read_from_its_one_article() -> None:
    # A blog's or a CMS's page: the post in <article>, widgets and comments in plain <div>s.
    comments = '<div id="comments"><h3>2 comments</h3><p>Great post, thanks!</p></div>'
    page = (f"<html><head><title>Finding a job</title></head><body>{SIDEBAR}"
            f"<article>{ARTICLE}</article>{comments}{HELPFUL}</body></html>")  # fmt: skip
    assert _blocks(page) == ARTICLE_BLOCKS


def test_a_small_article_beside_the_text_does_not_scope_the_page() -> None:
    card = "<article><p>Related: Soft skills</p></article>"
    page = f"<html><head><title>Finding a job</title></head><body>{ARTICLE}{card}</body></html>"
    assert _blocks(page) == [*ARTICLE_BLOCKS, ("paragraph", "Related: Soft skills")]


def test_a_page_that_only_mentions_main_in_its_text_is_read_whole() -> None:
    page = (
        '<html><head><title>Landmarks</title></head><body><p>Put role="main" on the '
        "wrapper of the content.</p><p>Screen readers jump to it.</p></body></html>"
    )
    assert _blocks(page) == [
        ("heading", "Landmarks"),
        ("paragraph", 'Put role="main" on the wrapper of the content.'),
        ("paragraph", "Screen readers jump to it."),
    ]


def test_html_inside_markdown_is_never_scoped() -> None:
    fragment = f"{SIDEBAR}<main><p>Inside.</p></main><p>After.</p>"
    blocks = parse_html(fragment, Budgets().start("guide.md"), whole_page=False)
    assert [b.text for b in blocks] == [
        "Related Topics", "Getting started", "Soft skills", "Inside.", "After.",
    ]  # fmt: skip


def test_a_definition_list_term_goes_with_its_definition() -> None:
    page = (
        "<h1>Host guide</h1><h2>Glossary</h2><dl>"
        "<dt>Host</dt><dd>The person who runs the discussion.</dd>"
        "<dt>Co-host</dt><dt>Note taker</dt><dd><p>The person who takes notes.</p></dd>"
        "<dt>What if no one shows up?</dt><dd>Send a reminder.</dd>"
        "<dt>Etherpad</dt></dl><p>After the list.</p>"
    )
    assert _blocks(page) == [
        ("heading", "Host guide"),
        ("heading", "Glossary"),
        ("paragraph", "Host: The person who runs the discussion."),
        ("paragraph", "Co-host, Note taker: The person who takes notes."),
        ("paragraph", "What if no one shows up?"),  # a question: a FAQ's, kept apart
        ("paragraph", "Send a reminder."),
        ("paragraph", "Etherpad"),  # a term with no definition is still text
        ("paragraph", "After the list."),
    ]


def test_what_docs_generators_add_to_headings_and_pages_is_not_text() -> None:
    page = (
        '<h1>Guide<a class="headerlink" href="#guide">¶</a></h1>'
        '<h2>Setup<a href="#setup" class="hash-link" aria-label="Direct link to Setup">\u200b</a>'
        "</h2><p>Configure it.<button>Copy</button></p>"
        '<nav><a href="/a">Home</a><a class="headerlink" href="#n">#</a> menu</nav>'
        '<h2>Run <a href="#run" title="Permalink to this headline">#</a></h2><p>Start it.</p>'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>Needs 3.10.</p></div>'
        '<div class="markdown-alert markdown-alert-tip"><p class="markdown-alert-title">'
        '<svg viewBox="0 0 16 16"><path d="M8 1.5"></path></svg>Tip</p><p>Pin it.</p></div>'
    )
    assert _blocks(page) == [
        ("heading", "Guide"),
        ("heading", "Setup"),
        ("paragraph", "Configure it."),
        ("heading", "Run"),
        ("paragraph", "Start it."),
        ("paragraph", "Note: Needs 3.10."),  # an admonition's title, with what it titles
        ("paragraph", "Tip: Pin it."),  # GitHub's rendering of "> [!TIP]"
    ]


def test_a_google_docs_page_has_its_title_and_no_contents_entries() -> None:
    # Google Docs' "Download as HTML": the title a <p class="title">, the table of contents
    # paragraphs that are each one link into the page; a link item of a list stays an item.
    page = (
        '<html><body><p class="c5 title"><span>Onboarding Handbook</span></p>'
        '<p class="c2"><span><a class="c6" href="#h.x1">Introduction</a></span></p>'
        '<h1 id="h.x1"><span>Introduction</span></h1><p class="c2"><span>Welcome.</span></p>'
        '<p><a href="https://example.org/buddy">Buddy programme</a></p>'
        '<ul><li><p><a href="#h.x1">Introduction</a></p></li></ul></body></html>'
    )
    assert _blocks(page) == [
        ("heading", "Onboarding Handbook"),
        ("heading", "Introduction"),
        ("paragraph", "Welcome."),
        ("paragraph", "Buddy programme"),
        ("list_item", "Introduction"),
    ]


def test_a_page_word_saved_has_its_title_lists_and_no_contents() -> None:
    # Word's "Save as Web Page": MsoTitle, MsoToc1 entries, list paragraphs led by the
    # bullet or number Word writes as text.
    nbsp = "&nbsp;" * 6
    page = (
        "<html><body><div class=WordSection1><p class=MsoTitle>Onboarding Handbook</p>"
        '<p class=MsoToc1><a href="#_Toc1">Introduction<span>1</span></a></p>'
        '<h1><a name="_Toc1">Introduction</a></h1>'
        f"<p class=MsoListParagraphCxSpFirst><span style='font-family:Symbol'>·{nbsp}</span>"
        "Meet your buddy.</p>"
        f"<p class=MsoListParagraphCxSpLast>2.{nbsp}Collect your badge.</p></div></body></html>"
    )
    assert _blocks(page) == [
        ("heading", "Onboarding Handbook"),
        ("heading", "Introduction"),
        ("list_item", "Meet your buddy."),
        ("list_item", "Collect your badge."),
    ]


def test_a_wiki_page_is_read_without_its_furniture() -> None:
    # A MediaWiki page saved from the browser (Wikibooks): "[edit]" beside each heading,
    # reference marks, "Jump to content", "Retrieved from" and the categories are the wiki's.
    page = (
        '<html><body><a class="mw-jump-link" href="#content">Jump to content</a>'
        '<main id="content"><h1>Bread</h1><p>Bread is made of flour and water.<sup '
        'class="reference"><a href="#cite_note-1">[1]</a></sup></p><h2><span class="mw-headline">'
        'Kneading</span><span class="mw-editsection"><span>[</span><a href="/e">edit</a><span>]'
        '</span></span></h2><hr class="noprint"><p>Knead for <span>ten</span> minutes.</p>'
        '<div class="printfooter">Retrieved from "https://example.org"</div>'
        '<div class="catlinks"><div>Categories: Cooking</div></div></main></body></html>'
    )
    assert _blocks(page) == [
        ("heading", "Bread"),
        ("paragraph", "Bread is made of flour and water."),
        ("heading", "Kneading"),
        ("paragraph", "Knead for ten minutes."),
    ]


def test_a_confluence_export_is_read_without_its_breadcrumbs_and_metadata() -> None:
    page = (
        '<html><body><div id="breadcrumb-section"><ol id="breadcrumbs"><li><a href="index.html">'
        'Team Space</a></li></ol></div><h1 class="pagetitle">Onboarding</h1><div '
        'class="page-metadata">Created by Ada Lovelace, last modified on Mar 02, 2026</div>'
        '<div id="main-content" class="wiki-content"><h2>First day</h2><p>Collect your badge.'
        '</p></div><div id="footer"><p>Document generated by Confluence</p></div></body></html>'
    )
    assert _blocks(page) == [
        ("heading", "Onboarding"),
        ("heading", "First day"),
        ("paragraph", "Collect your badge."),
    ]


def test_a_page_written_before_closing_paragraphs_was_usual_is_read_whole() -> None:
    # As a 2005 page is written (zlib's "Usage Example"): text straight in <body>, <p> between
    # paragraphs and never closed, code in <pre>. Only the first paragraph was kept.
    page = (
        "<html><body><h2>zlib Usage Example</h2>\nWe often get questions about deflate().\n"
        "<p>\nHere is the program:\n<pre>int main(void);</pre>\nWe include the headers.\n"
        '<pre>#include "zlib.h"</pre>\nThis hack avoids corruption.\n<p>\nThe last word.'
        "<div><p>Inside a box</div><p>After the box.\n</body></html>"
    )
    assert _blocks(page) == [
        ("heading", "zlib Usage Example"),
        ("paragraph", "We often get questions about deflate()."),
        ("paragraph", "Here is the program:"),
        ("paragraph", "We include the headers."),
        ("paragraph", "This hack avoids corruption."),
        ("paragraph", "The last word."),
        ("paragraph", "Inside a box"),
        ("paragraph", "After the box."),
    ]


def test_a_docbook_title_page_gives_its_title_not_its_authors_or_contents() -> None:
    # DocBook's HTML 4 output (Debian's manuals): authors as <H3 CLASS="AUTHOR">, the contents
    # in <DIV CLASS="TOC">. An author's name was a section, the contents a paragraph.
    page = (
        '<HTML><BODY><DIV CLASS="TITLEPAGE"><H1 CLASS="TITLE">Users and Groups</H1>'
        '<H3 CLASS="AUTHOR">Joey Hess</H3><P CLASS="COPYRIGHT">Copyright 2001 Joey Hess</P></DIV>'
        '<DIV CLASS="TOC"><DL><DT><B>Table of Contents</B></DT><DT>1. <A HREF="#I">Introduction'
        '</A></DT></DL></DIV><DIV CLASS="CHAPTER"><H1>Chapter 1. Introduction</H1>'
        "<P>The package holds the master files.</P></DIV></BODY></HTML>"
    )
    assert _blocks(page) == [
        ("heading", "Users and Groups"),
        ("paragraph", "Copyright 2001 Joey Hess"),
        ("heading", "Chapter 1. Introduction"),
        ("paragraph", "The package holds the master files."),
    ]


def test_a_texinfo_page_s_next_previous_up_line_is_not_text() -> None:
    # GNU manuals in HTML: each page opens with links to its neighbours, `rel="next"` and so on.
    page = (
        '<html><body><div class="header"><p>Next: <a href="Using.html" rel="next">Using libffi'
        '</a>, Previous: <a href="index.html" rel="prev">libffi</a>, Up: <a href="index.html" '
        'rel="up">libffi</a> &nbsp; [<a href="Index.html" rel="index">Index</a>]</p></div>'
        "<h2>1 What is libffi?</h2><p>Compilers follow conventions. See the "
        '<a href="Types.html" rel="next">types</a>.</p></body></html>'
    )
    assert _blocks(page) == [
        ("heading", "1 What is libffi?"),
        ("paragraph", "Compilers follow conventions. See the types."),
    ]
