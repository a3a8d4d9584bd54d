"""Questions that ask for a guide's summary ("tl;dr", "give me a summary", "what's the gist?").

No passage's text says "summary", so the judge read such a question as off-topic and refused
it, though most guides end (or open) with one: a "Key takeaways" table, a "Summary", a
"Conclusion", "Final words". That section answers, as if the question had named it by its title
(retriever/titles.py); a guide without one is answered with its sections, and in an index of
several guides, where "the guide" is any of them, the guides are listed (retriever/outline.py).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")
# A word or phrase that asks for a summary...
_CUE = re.compile(
    r"\b(?:summary|summari[sz]e[sd]?|summari[sz]ing|tl;?\s?dr|gist|recap|nutshell|takeaways?"
    r"|highlights|(?:main|key)\s+(?:points?|ideas?|messages?)|sum\s+(?:it\s+|this\s+|that\s+)?up"
    r"|in\s+short|short\s+version|bottom\s+line)\b",
    re.IGNORECASE,
)
# ...and words that may stand beside it without naming a subject: "quick summary of this guide
# please" asks for the summary, "summary of the salary section" for a section.
_PLAIN = frozenset({
    "a", "an", "the", "this", "that", "it", "its", "of", "for", "in", "on", "me", "us", "i",
    "you", "please", "pls", "can", "could", "would", "will", "give", "tell", "show", "what",
    "whats", "what's", "s", "is", "are", "was", "do", "does", "there", "here", "so", "ok", "okay",
    "just", "quick", "quickly", "brief", "briefly", "short", "shortly", "whole", "entire", "all",
    "guide", "guides", "doc", "docs", "document", "article", "handbook", "manual", "page", "text",
    "overall", "main", "key", "points", "point", "ideas", "idea", "messages", "message", "sum",
    "up", "bottom", "line", "version", "summary", "summarize", "summarise", "summarized",
    "summarised", "summarizes", "summarises", "summarizing", "summarising", "tl", "dr", "tldr",
    "gist", "recap", "nutshell", "takeaway", "takeaways", "highlights", "say", "says", "said",
    "about", "with", "to", "from", "want", "need", "like", "get", "hey", "hi",
})  # fmt: skip
# A section that sums its guide up, by its title.
_SUMMARY_TITLE = re.compile(
    r"\b(?:takeaways?|summary|summing\s+up|conclusions?|tl;?\s?dr|recap|in\s+short"
    r"|wrap(?:ping)?\s+up|bottom\s+line|key\s+points|final\s+(?:thoughts|words))\b",
    re.IGNORECASE,
)


def asks_summary(question: str) -> bool:
    """The question asks for a summary of the guide as a whole, naming no subject of its own."""
    said = set(_WORD.findall(question.lower()))
    return bool(_CUE.search(question)) and said <= _PLAIN


def sums_up(title: str) -> bool:
    """A section whose title says it sums its guide up ("Key takeaways", "Summary")."""
    return bool(_SUMMARY_TITLE.search(title))
