"""Small text helpers shared by chunking and the answer composer."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally closed by a quote or bracket) followed by space and a
# capital, digit, quote or currency sign; "e.g. foo" and "2.5" do not split.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"')\]]))\s+(?=[A-Z0-9“\"'$(])")
# What a period after it does not end: "e.g. Zoom", "i.e. FY25", "Dr. Smith", "Safari vs. Chrome";
# before a number, "max. 20 minutes", "approx. 5 USD", "No. 3". ("etc." ends sentences as often
# as not, "min." may be minutes: both still split.)
_NO_END = re.compile(r"(?<![\w.])(?:e\.g|i\.e|vs|cf|dr|mr|mrs|ms|prof|incl|esp)\.$", re.IGNORECASE)
_NO_END_BEFORE_NUMBER = re.compile(
    r"(?<![\w.])(?:max|approx|ca|no|nos|fig|p|pp|vol)\.$", re.IGNORECASE
)
_ABBREVIATION_REACH = 10  # the longest ("approx.") and the character before it
_WORD = re.compile(r"[a-z0-9$][a-z0-9$,.%+-]*[a-z0-9%]|[a-z0-9]", re.IGNORECASE)

# Words that say nothing about which passage answers a question.
# fmt: off
STOP_WORDS = frozenset([
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from",
    "is", "are", "was", "were", "be", "been", "do", "does", "did", "what", "which", "who",
    "whom", "how", "why", "when", "where", "can", "could", "should", "would", "will", "i",
    "you", "your", "me", "my", "we", "our", "it", "its", "this", "that", "these", "those",
    "as", "about", "into", "than", "then", "there", "their", "they", "them", "he", "she",
    "his", "her",
])
# Words a chat turn leans on the turns before it with, naming nothing of its own: "why not?",
# "how many tho?", "ok so why's that"; where to begin asks the order of what was asked ("how do I
# become an ML engineer?" then "what should I do first?", which was refused on "first" alone).
LEANING = frozenset([
    "ok", "okay", "so", "but", "though", "tho", "also", "too", "else", "not", "no", "yes",
    "yeah", "yep", "many", "much", "more", "really", "just", "still", "even", "once", "again",
    "anyway", "like", "well", "right", "sure", "hmm", "oh", "come", "exactly", "please", "one",
    "ones", "thing", "things", "first", "next", "start", "begin", "step", "steps",
])
# fmt: on
# What `words` leaves of a contraction's second half ("they'd" -> "they", "d"): not a word.
CLITICS = frozenset(["s", "d", "re", "ve", "ll", "t", "m"])
# A question that asks why ("why?", "so why bother?", "ok how come?"): it leans on what was said
# before it (retriever/followup.py), and its answer gives a reason (retriever/answer/shape.py).
WHY = re.compile(r"^\W*(?:(?:but|so|and|ok|okay|well|wait)\W+)*(?:why|how come)\b", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences; every returned sentence is a substring of `text`."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        start = 0
        for end in _SENTENCE_END.finditer(line):
            # The last few characters only: a line of a million "e.g. A" stays linear.
            tail = line[max(start, end.start() - _ABBREVIATION_REACH) : end.start()]
            if _NO_END.search(tail) or (
                _NO_END_BEFORE_NUMBER.search(tail) and line[end.end()].isdigit()
            ):
                continue
            out.append(line[start : end.start()])
            start = end.end()
        if line[start:]:
            out.append(line[start:])
    return out


def words(text: str) -> list[str]:
    return [w.lower().rstrip(".,") for w in _WORD.findall(text)]


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "”", '"', ":", ";"))
