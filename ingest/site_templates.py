"""What a reader sees of a site generator's template tags in a guide's text (Jinja, Liquid).

A tag is the site's, not the reader's, and goes, with one exception: an expression that renders a
quoted string, as `{{'[Pad-of-pads]({}/pad-of-pads)'.format(etherpad)}}` does (The Carpentries'
handbooks link their pads that way), shows that string; without it the list item read
": A list of The Carpentries' most commonly used Etherpads". Markdown has already made the link
inside it its text.
"""

from __future__ import annotations

import re

# Linear on hostile input: no lazy `.*?` that rescans to the end of the text from each brace.
_TAG = re.compile(r"\{\{[^{}]*\}\}|\{%[^{}]*%\}")
_STRING = re.compile(r"""\{\{\s*(['"])([^'"{}]*)\1\s*(?:\.format\([^(){}]*\))?\s*\}\}""")


def rendered(text: str) -> str:
    """`text` with each template tag as the reader sees it: a rendered string, or nothing."""
    return _TAG.sub("", _STRING.sub(lambda m: m.group(2), text))
