"""What a reader sees of a Markdown inline run: its text and code, links as their text; no
images, markup, template tags or site generators' marks."""

from __future__ import annotations

import re

from markdown_it.token import Token

_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|\{%[^{}]*%\}")
# Sphinx and Jinja sites write a link whose address is a setting as a formatted string
# ("{{'[Glossary of terms]({})'.format(glossary)}}"): its words are what a reader sees, so only
# the tag and the unknown value go. markdown-it has usually read the link already, leaving
# "{{'Glossary of terms'.format(glossary)}}".
_FORMATTED = re.compile(r"""\{\{\s*(["'])((?:[^{}]|\{\})*?)\1\s*\.format\([^{}]*\)\s*\}\}""")
_ALT = re.compile(r"""\balt\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# What CommonMark leaves as text when an author wrote it almost right: a link or an image whose
# address has spaces, bold with a space before its closing stars.
_URL = r"\((?:[^()]|\([^()]*\))*\)"
_BROKEN_LINK = re.compile(rf"!\[[^\[\]]*\]{_URL}|\[([^\[\]]*)\]{_URL}")
_STRAY_MARKS = re.compile(r"\*\*|__")
# What a site generator reads, matched once the text is squashed (no run of spaces to rescan):
# a heading's attributes ("Setup {#setup .unnumbered}", kramdown's "{: .no_toc}"), emoji
# shortcodes (":rocket:"), footnote marks ("[^1]").
_SITE_MARKS = re.compile(
    r" ?\{:? ?[#.][^{}\n]*\}$|(?<![\w:]):[a-z][a-z0-9_+-]*:(?![\w:])|\[\^[^\[\]\s]+\]:?"
)


def inline_text(inline: Token) -> str:
    """What a reader sees of an inline run: text and code, links as their text, no images,
    no markup, no template tags."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or is_break(child):
            parts.append(" ")
    text = _FORMATTED.sub(lambda m: m.group(2).replace("{}", ""), "".join(parts))
    text = _BROKEN_LINK.sub(lambda m: m.group(1) or "", _TEMPLATE.sub("", text))
    return squash(_SITE_MARKS.sub("", squash(_STRAY_MARKS.sub("", text))))


def labelled(inline: Token) -> str:
    """ "Label: text" for a paragraph whose first line labels the rest: a bold word alone
    (GitHub's older "> **Note**" notes) or a term over ": its definition" (Pandoc, PHP Markdown
    Extra); "" for any other paragraph."""
    children = [c for c in inline.children or () if c.type != "text" or c.content]
    breaks = [n for n, c in enumerate(children) if c.type in ("softbreak", "hardbreak")]
    if not breaks:
        return ""
    first, rest = children[: breaks[0]], children[breaks[0] + 1 :]
    bold = [c.type for c in first] == ["strong_open", "text", "strong_close"]
    defined = bool(rest) and rest[0].type == "text" and rest[0].content.startswith(": ")
    if not (bold or defined) or len(first) > 3:
        return ""
    label = "".join(c.content for c in first if c.type == "text").strip()
    if not label or label[-1] in ".:!?" or len(label.split()) > 6:
        return ""
    tail = Token("inline", "", 0, children=rest)
    body = inline_text(tail).removeprefix(": ").strip()
    return f"{label}: {body}" if body else ""


def all_link(inline: Token) -> bool:
    """Every visible character of the run is inside a link: a list of links, not prose."""
    depth, outside = 0, ""
    for child in inline.children or ():
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        elif child.type in ("text", "code_inline") and depth == 0:
            outside += child.content
    return not outside.strip(" \t-–—:,.")


def is_break(token: Token) -> bool:
    return token.type == "html_inline" and token.content.lower().startswith("<br")


def image_alt(inline: Token) -> str:
    """A heading made only of an image says what it is in its alt text."""
    for child in inline.children or ():
        if child.type == "image":
            return squash(child.content or str(child.attrs.get("alt", "")))
        if child.type == "html_inline" and (m := _ALT.search(child.content)):
            return squash(m.group(1))
    return ""


def squash(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split()) if "<" in text else " ".join(text.split())
