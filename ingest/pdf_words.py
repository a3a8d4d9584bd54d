"""Words as a PDF sets them apart: a word hyphenated at the end of a line is one word again, and
a space drawn with no width (where a browser set a soft hyphen) splits no word."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# A line that ends in a word's first part and a hyphen (a soft one, or U+2010, as some set it).
_BROKEN = re.compile(r"(\w+)[-\u00ad\u2010]$")
_FIRST_WORD = re.compile(r"^[a-z]\w*")  # the word below goes on in lower case
_WORD = re.compile(r"\w+")
_COMPOUND = re.compile(r"\w+-\w+")


def phantom_spaces(chars: Iterable[dict[str, Any]]) -> set[int]:
    """The ids of the space characters drawn where a visible character starts: Chromium sets a
    soft hyphen (`&shy;`) inside a word so, and pdfplumber then splits "commander" in two."""
    chars = list(chars)
    starts = {_start(c) for c in chars if c["text"].strip()}
    return {id(c) for c in chars if not c["text"].strip() and _start(c) in starts}


def _start(char: dict[str, Any]) -> tuple[int, float]:
    return round(float(char["top"])), round(float(char["x0"]), 1)


def vocabulary(lines: Sequence[str]) -> set[str]:
    """The words of a guide's lines, less the parts of words hyphenated across two lines, and
    the hyphenated words within a line ("well-known")."""
    words: set[str] = set()
    broken = False  # the line before ended in a hyphenated word's first part
    for line in lines:
        found = _WORD.findall(line.casefold())
        ends_broken = _BROKEN.search(line) is not None
        words.update(found[int(broken) : len(found) - int(ends_broken)])
        words.update(_COMPOUND.findall(line.casefold()))
        broken = ends_broken
    return words


def joined(parts: Sequence[str], words: set[str]) -> str:
    """The lines of one paragraph as one text, a word hyphenated at a line's end one word with
    no space: "infor-" and "mation" are "information" when the guide writes that word elsewhere
    (or the hyphen is a soft one); else the hyphen stays. Browsers and word processors break
    lines at a compound's own hyphen ("well-" "rounded", "proof-of-" "concept"), and only
    typesetters that hyphenate split plain words, so a hyphen is kept unless the guide shows
    that it is not part of the word."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        broken, goes_on = _BROKEN.search(text), _FIRST_WORD.match(part)
        if broken is None or goes_on is None:
            text = f"{text} {part}"
            continue
        head, tail = broken.group(1).casefold(), goes_on.group(0).casefold()
        split = text.endswith("\u00ad") or (head + tail in words and f"{head}-{tail}" not in words)
        text = f"{text[:-1] if split else text}{part}"
    return text
