"""reStructuredText guides (Sphinx and docutils handbooks): docutils reads them, and the HTML it
writes is read as any page (`ingest.html_page`), so headings, lists, tables and admonitions
become blocks as they do there, and code is left out.

docutils does nothing beyond the text: it reads no other file (`include`, `raw`, a table's
`:file:`) and fetches nothing. The roles and directives of Sphinx and its extensions, which plain
docutils does not know, keep their text (":ref:`the setup <setup>`" reads "the setup",
`.. versionadded::` and `.. tab::` their body); those that only build a site (`toctree`,
`highlight`, `contents`, `literalinclude`…) are left out, and so is what docutils reports about
markup it cannot read ("Unknown interpreted text role").

docutils cannot be stopped mid-parse, so what could make it run away is refused before it runs:
markup over four times the guide's character budget, and substitutions that expand past that
budget (`.. |x| replace:: …` of 8,000 characters used 20,000 times is 160 MB of text from a
130 KB file). Markup nested deeper than Python's stack is refused in one line.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast

from ingest.budgets import Guard
from ingest.errors import CorpusError
from ingest.html_page import parse_html
from ingest.structure import Block

MARKUP_PER_CHAR = 4  # markup docutils may read per character of the guide's budget
# Directives that build the site, not the guide (Sphinx's, its extensions', and docutils' own
# table of contents, numbering and page furniture); `include` and `raw` read other files.
SITE_DIRECTIVES = frozenset({
    "toctree", "highlight", "index", "literalinclude", "include", "raw", "only", "contents",
    "sectnum", "header", "footer", "target-notes", "autosummary", "automodule", "autoclass",
    "autofunction", "automethod", "autodata", "autoattribute", "autoexception", "currentmodule",
    "module", "program", "tabularcolumns", "sectionauthor", "moduleauthor", "codeauthor",
    "ifconfig", "testsetup", "testcleanup", "testcode", "testoutput", "doctest", "graphviz",
    "mermaid", "plot", "code-block", "sourcecode", "highlight-lang", "default-role", "role",
    "title", "meta",
})  # fmt: skip
_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+([\w][\w:.+-]*)::", re.MULTILINE)
_ROLE = re.compile(r"(?<![\w`:]):([\w][\w:.+-]*):`")
_TITLED = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.DOTALL)  # ":ref:`the setup <setup>`"
# A substitution's definition (its body may go on over indented lines) and its uses.
_DEFINITION = re.compile(
    r"^[ \t]*\.\.[ \t]+\|([^|\n]+)\|[ \t]+[\w-]+::(?P<body>[^\n]*(?:\n[ \t]+[^\n]*)*)",
    re.MULTILINE,
)
_USE = re.compile(r"\|([^|\s][^|\n]*)\|")
_CELL = re.compile(r"<t[dh][\s>].*?</t[dh]>", re.DOTALL)
_PARAGRAPH = re.compile(r"</?p(?:\s[^>]*)?>")
_SETTINGS: dict[str, Any] = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "report_level": 5,  # nothing reported: what it cannot read is left out, not shown
    "halt_level": 5,
    "warning_stream": False,
    "_disable_config": True,  # no docutils.conf of the machine or the current folder
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "embed_stylesheet": False,
    "stylesheet_path": "",
    "syntax_highlight": "none",
    # Sections stay sections, as Sphinx reads them: docutils would otherwise make a lone first
    # section's title the page's subtitle, and its heading a paragraph.
    "doctitle_xform": False,
    "initial_header_level": 1,
}


def parse_rst(text: str, guard: Guard) -> list[Block]:
    limit = guard.budgets.guide_chars
    if len(text) > MARKUP_PER_CHAR * limit:
        raise guard.over(
            "guide_chars", f"{len(text):,} characters of markup, over {MARKUP_PER_CHAR}x the "
            f"budget of {limit:,} characters that docutils may read",
        )  # fmt: skip
    try:
        expanded = _substituted(text)
        if expanded > limit:
            raise guard.over(
                "guide_chars", f"its substitutions expand to {expanded:,} characters, over the "
                f"budget of {limit:,}",
            )  # fmt: skip
        html = _html(text)
    except RecursionError as exc:  # nested lists, or a chain of substitutions, past the stack
        raise CorpusError(
            f"{guard.name}: its markup nests deeper than can be read; flatten its indentation"
        ) from exc
    guard.tick()
    return parse_html(html, guard)


def _html(text: str) -> str:
    from docutils import nodes
    from docutils.core import publish_doctree, publish_from_doctree
    from docutils.writers.html5_polyglot import Writer

    _know(text)
    doc = publish_doctree(text, settings_overrides=_SETTINGS)
    for message in list(doc.findall(nodes.system_message)):
        message.parent.remove(message)
    for node in list(doc.findall(nodes.problematic)):
        # A reference docutils could not resolve: "`Setup guide`_" keeps its words; an undefined
        # substitution ("|draft|") has none a reader would see.
        said = node.astext()
        words = "" if said.startswith("|") else said.strip("`_")
        node.parent.replace(node, nodes.Text(words))
    html = str(publish_from_doctree(doc, writer=Writer(), settings_overrides=_SETTINGS))
    # docutils writes admonitions, sidebars and footnotes as <aside>, which a web page uses for
    # its furniture and `ingest.html_blocks` leaves out: here every one is the guide's text.
    html = html.replace("<aside", "<div").replace("</aside>", "</div>")
    # And a table cell's text as paragraphs (<td><p>), which would each be a paragraph of their
    # own: a cell's text stays in its row. (docutils closes every cell it opens.)
    return _CELL.sub(lambda m: _PARAGRAPH.sub(" ", m.group(0)), html)


def _substituted(text: str) -> int:
    """How many characters the substitutions used in `text` add, each definition expanded with
    the substitutions it uses (docutils expands them nested, a few levels deep)."""
    definitions = list(_DEFINITION.finditer(text))
    if not definitions:
        return 0
    bodies = {m.group(1).strip().lower(): m.group("body") for m in definitions}
    sizes: dict[str, int] = {}

    def size(name: str, seen: frozenset[str]) -> int:
        if name in sizes:
            return sizes[name]
        body = bodies[name]
        inner = [u.strip().lower() for u in _USE.findall(body)]
        total = len(body) + sum(size(u, seen | {name}) for u in inner
                                if u in bodies and u not in seen)  # fmt: skip
        sizes[name] = total
        return total

    outside = "".join(text[a:b] for a, b in _gaps([m.span() for m in definitions], len(text)))
    return sum(size(u, frozenset()) for use in _USE.findall(outside)
               if (u := use.strip().lower()) in bodies)  # fmt: skip


def _gaps(spans: list[tuple[int, int]], end: int) -> list[tuple[int, int]]:
    starts = [0, *(b for _, b in spans)]
    stops = [*(a for a, _ in spans), end]
    return list(zip(starts, stops, strict=True))


def _know(text: str) -> None:
    """Give each directive and role of `text` that docutils does not know (or that builds the
    site) a handler that keeps its text or drops it, before docutils reads it."""
    from docutils.parsers.rst import directives, roles
    from docutils.parsers.rst.languages import get_language

    en: Any = get_language("en")
    document = _lookup_document()
    for name in {n.lower() for n in _DIRECTIVE.findall(text)}:
        known, _ = directives.directive(name, en, document)
        if name in SITE_DIRECTIVES or known is None:
            directives.register_directive(name, _directive_class())
    for name in {n.lower() for n in _ROLE.findall(text)}:
        known_role, _ = roles.role(name, en, 0, document.reporter)
        if known_role is None:
            roles.register_local_role(name, cast("Any", _role))


@cache
def _lookup_document() -> Any:
    """A document whose reporter the lookups may tell (silently) that a name is unknown."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    return new_document("<lookup>", get_default_settings(Parser))


def _role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any,
    options: Any = None, content: Any = None,
) -> tuple[list[Any], list[Any]]:  # fmt: skip
    """A role docutils does not know: its text as a reader sees it."""
    from docutils import nodes

    titled = _TITLED.match(text)
    shown = titled.group(1) if titled and titled.group(1) else text
    shown = shown.lstrip("~!")
    if not titled and name in ("ref", "doc", "term"):
        # A bare label ("good-prs", another project's "python:tutorial-index") or a document's
        # path ("getting-started/setup"): its words.
        shown = re.sub(r"[-_]+", " ", re.split(r"[/:]", shown)[-1])
    return [nodes.inline(rawtext, shown)], []


@cache
def _directive_class() -> type:
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives

    class AnyOption(dict[str, Any]):
        def __missing__(self, key: str) -> Any:
            return directives.unchanged

    class Unknown(Directive):
        """A directive docutils does not know: its title and body as text, or nothing for one
        that builds the site."""

        has_content = True
        optional_arguments = 1
        final_argument_whitespace = True
        option_spec = AnyOption(name=directives.unchanged)  # any option, none read

        def run(self) -> list[Any]:
            if self.name in SITE_DIRECTIVES:
                return []
            box = nodes.container()
            if self.arguments:  # a title ("Unix"), or text that began on the directive's line
                said, _ = self.state.inline_text(self.arguments[0], self.lineno)
                box += nodes.paragraph("", "", *said)
            self.state.nested_parse(self.content, self.content_offset, box)
            return [box]

    return Unknown
