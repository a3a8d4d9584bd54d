"""HTML guides: which part of a page is the guide, and its title. A page that marks its main
content (<main>, or an element with role="main", as docs sites do) is read from there alone:
what sits beside it (a sidebar of links, a "was this helpful?" box) is the site's, not the
guide's; a page without one, from its one <article> when that holds most of the text. A page
with no headings but short bold paragraphs takes those as its headings (`ingest.bold_headings`).
The elements themselves are read by `ingest.html_blocks`.
"""

from __future__ import annotations

import re

from ingest.bold_headings import with_bold_headings
from ingest.budgets import Guard
from ingest.html_blocks import parsed
from ingest.html_marks import squash
from ingest.structure import Block

_MAIN = re.compile(r"<main[\s>]|\brole\s*=\s*[\"']?main\b", re.IGNORECASE)
# A page with no <main> whose one <article> is the post (a blog's, a CMS's page): read from it,
# when it holds most of the page's text, and not from the widgets and comments around it.
_ARTICLE = re.compile(r"<article[\s>]", re.IGNORECASE)
_ARTICLE_SHARE = 0.3


def parse_html(text: str, guard: Guard, *, whole_page: bool = True) -> list[Block]:
    """h1–h6, p, li and tr (th/td cells), and the loose text of other containers, in document
    order; page chrome and code are dropped; a whole page that marks its main content, that
    content alone. A fragment (`whole_page=False`, HTML inside Markdown) takes no title from
    <title>."""
    main = whole_page and _MAIN.search(text) is not None
    article = whole_page and not main and len(_ARTICLE.findall(text)) == 1
    parser = parsed(text, guard, scoped="main" if main else "article" if article else "")
    if parser.scoped and not (parser.entered and parser.blocks):
        # "<main" was text, not an element, or the element held nothing: the whole page.
        parser = parsed(text, guard, scoped="")
    elif article:
        page = parsed(text, guard, scoped="")
        if _chars(parser.blocks) < _ARTICLE_SHARE * _chars(page.blocks):
            parser = page
    # A fragment (HTML inside Markdown) is part of a guide whose headings are the Markdown's.
    blocks = with_bold_headings(parser.blocks, parser.bold, guard) if whole_page else parser.blocks
    if (
        whole_page
        and parser.title.strip()
        and not (blocks and blocks[0].kind == "heading" and blocks[0].level == 1)
    ):
        blocks.insert(0, Block("heading", squash(parser.title), (0, 0), level=1))
    return blocks


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)
