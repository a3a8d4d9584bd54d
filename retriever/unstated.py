"""A question that asks how long something takes, what it costs or pays, or what share of a whole
something is, is answered only from passages that state a duration (in the unit asked, or the
next one), an amount, or a share.

"How long does it take to become a research scientist?" of a guide that names the role and gives
no time was answered with the role's description, and the judge let it through: its passages
match the words, and their other numbers satisfy its `figure_missing` (which asks only for a
number). The kind of figure asked for is read the same way in every guide. Measured on the train
and dev questions of every guide and the follow-up sets (docs/abstention.md): every in-scope
question of these kinds has such a figure in its first three passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# "How long" that asks for time, not length ("how long should my CV be?").
_ASKS_DURATION = re.compile(
    r"\bhow\s+many\s+(?:years?|months?|weeks?|days?|hours?|minutes?)\b|\bhow\s+soon\b"
    r"|\bhow\s+long\b(?=[^?.!]*\b(?:take|takes|took|taking|last|lasts|wait|until|till|before"
    r"|after|to\s+(?:get|become|learn|finish|complete|reach|hear|respond|build|land)))",
    re.IGNORECASE,
)
# How many of a unit ("6 months", "a year", "one-hour", "a few weeks").
_SOME = (
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several|couple\s+of"
    r"|an?)[\s-]+"
)
_DURATION = re.compile(
    rf"{_SOME}(?:years?|months?|weeks?|days?|hours?|minutes?|mins?|hrs?)\b"
    r"|\b(?:hourly|daily|weekly|monthly|yearly|annually|overnight)\b|\bper\s+(?:week|month|year|day)\b",
    re.IGNORECASE,
)
# "How many days…" is not answered by "5 minutes": a duration in the unit asked or the next one
# up or down ("two weeks" answers "how many days").
_UNITS = ("minute", "hour", "day", "week", "month", "year")
_ASKS_UNIT = re.compile(r"\bhow\s+many\s+(minute|hour|day|week|month|year)s?\b", re.IGNORECASE)
_UNIT_STATED = re.compile(rf"{_SOME}(minute|min|hour|hr|day|week|month|year)s?\b", re.IGNORECASE)
_SHORT = {"min": "minute", "hr": "hour"}
_ASKS_AMOUNT = re.compile(
    r"\bhow\s+much\b[^?.!]*\b(?:cost|costs|charge|charges|fee|fees|price|pay|pays|paid|earn"
    r"|earns|make|makes|salary|salaries|spend)\b|\b(?:cost|price|fee)s?\s+(?:to|of|for)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[$€£¥]\s?\d|\d[\d,.]*\s?(?:k|USD|EUR|GBP|dollars?|euros?|pounds?)\b"
    r"|\b(?:free|no\s+cost|at\s+no\s+charge|paid|salary|salaries|budget)\b",
    re.IGNORECASE,
)
_ASKS_SHARE = re.compile(
    r"\bwhat\s+(?:percent(?:age)?|share|proportion|fraction)\b|\bhow\s+many\s+percent\b"
    r"|\b(?:market|global)\s+share\b|\bpercentage\s+of\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"%|\bper\s?cent\b|\b(?:half|third|quarter|majority|most|minority|few)\b", re.IGNORECASE
)


def unstated(question: str, passages: Iterable[str]) -> bool:
    """The question asks for a duration, an amount or a share, and `passages` state none."""
    kinds = ((_ASKS_DURATION, _DURATION), (_ASKS_AMOUNT, _AMOUNT), (_ASKS_SHARE, _SHARE))
    wanted = [said for asks, said in kinds if asks.search(question)]
    if not wanted:
        return False
    text = " ".join(passages)
    return any(not said.search(text) for said in wanted) or _other_unit(question, text)


def _other_unit(question: str, text: str) -> bool:
    asked = _ASKS_UNIT.search(question)
    if not asked:
        return False
    want = _UNITS.index(asked.group(1).lower())
    stated = [_UNITS.index(_SHORT.get(u.lower(), u.lower())) for u in _UNIT_STATED.findall(text)]
    return not any(abs(unit - want) <= 1 for unit in stated)
