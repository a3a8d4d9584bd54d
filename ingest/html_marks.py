"""What an HTML element's attributes say it is, beyond its tag: the links docs generators add to
headings, and the paragraphs office suites save as a title, a contents entry or a list item
(Word's "Save as Web Page", Google Docs' "Download as HTML")."""

from __future__ import annotations

import re
from typing import Literal

ParagraphRole = Literal["title", "contents", "list_item", "text"]

# Sphinx, MkDocs and Jupyter Book ("headerlink"), Docusaurus ("hash-link"), others.
_PERMALINK_CLASSES = frozenset({"headerlink", "hash-link", "anchor-link", "header-anchor",
                                "permalink", "anchorjs-link"})  # fmt: skip
_PERMALINK_LABELS = ("permalink", "direct link to", "link to this heading", "anchor link")
# An admonition's title ("Note"): Sphinx's and MkDocs', GitHub's alerts ("> [!NOTE]").
_TITLES = frozenset({"admonition-title", "markdown-alert-title"})
# Furniture a wiki marks by class or id: MediaWiki's "[edit]" links, "Jump to content", its
# footer lines ("Retrieved from", categories), navigation boxes (reference marks, "[1]", are
# <sup>s); Confluence's breadcrumbs, "Created by …, last modified on …" and export footer.
# DocBook's (and others') table of contents and its title page's credits ("<h3 class="author">",
# uppercase in its HTML 4 output) are not the guide's text either: an author's name was a section.
_HIDDEN = frozenset({"mw-editsection", "mw-jump-link", "printfooter", "catlinks", "navbox",
                     "noprint", "mw-cite-backlink", "page-metadata", "breadcrumbs",
                     "breadcrumb-section", "footer", "toc", "table-of-contents", "author",
                     "authorgroup", "corpauthor", "editor", "othercredit"})  # fmt: skip
_PAGING_RELS = frozenset({"next", "prev", "previous", "up", "index", "contents", "top", "start"})
_PAGING_WORDS = re.compile(r"\W*(?:(?:next|previous|prev|up|index|contents|top)\b\W*)*", re.I)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})  # fmt: skip
# Zero-width spaces and joiners (Docusaurus puts one in each heading's link), soft hyphens.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Word's classes (MsoTitle, MsoToc1, MsoListParagraphCxSpFirst) and Google Docs' title.
_TITLE_CLASSES = frozenset({"title", "msotitle"})
_CONTENTS_CLASS = re.compile(r"^msotoc\d$")
_LIST_CLASS = re.compile(r"^mso(?:list|listparagraph|listbullet|listnumber)")
# The marker Word writes as text before a list paragraph's words: "·" (Symbol), "o", "§"
# (Wingdings), "•", or a number or letter ("1.", "a)").
_LIST_MARKER = re.compile(r"^(?:[·•o§▪\-–]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")


def permalink(attrs: list[tuple[str, str | None]]) -> bool:
    """A heading's own link ("¶", "#", an empty hash link) that docs generators add."""
    found = dict(attrs)
    classes = (found.get("class") or "").split()
    label = (found.get("aria-label") or found.get("title") or "").casefold()
    return bool(_PERMALINK_CLASSES.intersection(classes)) or label.startswith(_PERMALINK_LABELS)


def titles(attrs: list[tuple[str, str | None]]) -> bool:
    """The element is an admonition's title, said with what it titles ("Note: …")."""
    return bool(_TITLES.intersection(_classes(attrs)))


def hidden(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The element is a page's furniture, not the guide's text. An element that has no end tag
    (<img>, <hr>) is none: nothing would close what it hides."""
    if tag in _VOID:
        return False
    classes = [c.casefold() for c in [*_classes(attrs), dict(attrs).get("id") or ""]]
    return bool(_HIDDEN.intersection(classes)) or (tag == "sup" and "reference" in classes)


def squash(text: str) -> str:
    """Text as read: runs of white space one space, invisible characters gone."""
    return " ".join(text.translate(_INVISIBLE).split())


def _classes(attrs: list[tuple[str, str | None]]) -> list[str]:
    return (dict(attrs).get("class") or "").split()


def paragraph_role(attrs: list[tuple[str, str | None]]) -> ParagraphRole:
    """What a <p> is by its classes: the document's title, an entry of its table of contents,
    a list item written as a paragraph, or text."""
    classes = (dict(attrs).get("class") or "").casefold().split()
    if _TITLE_CLASSES.intersection(classes):
        return "title"
    if any(_CONTENTS_CLASS.match(c) for c in classes):
        return "contents"
    if any(_LIST_CLASS.match(c) for c in classes):
        return "list_item"
    return "text"


def without_list_marker(text: str) -> str:
    return _LIST_MARKER.sub("", text, count=1)


def paging(attrs: list[tuple[str, str | None]]) -> bool:
    """A link to the next, previous or parent page of a manual (`rel="next"`, as Texinfo's
    "Next: … Previous: … Up: …" line above each of its pages links them)."""
    return bool(_PAGING_RELS.intersection((dict(attrs).get("rel") or "").casefold().split()))


def only_paging_words(text: str) -> bool:
    """What such a line says besides its links: "Next:", "Previous:", "Up:", "[", "]"."""
    return bool(_PAGING_WORDS.fullmatch(text))


def in_page(attrs: list[tuple[str, str | None]]) -> bool:
    """A link to a place in the same page ("#h.x1"), as a table of contents links."""
    return (dict(attrs).get("href") or "").startswith("#")
