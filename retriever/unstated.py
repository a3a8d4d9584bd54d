"""A question that asks how long something takes, what it costs or pays, or what share of a whole
something is, is answered only from passages that state a duration (in the unit asked, or the
next one), an amount, or a share.

"How long does it take to become a research scientist?" of a guide that names the role and gives
no time was answered with the role's description, and the judge let it through: its passages
match the words, and their other numbers satisfy its `figure_missing` (which asks only for a
number). The kind of figure asked for is read the same way in every guide. Measured on the train
and dev questions of every guide and the follow-up sets (docs/abstention.md): every in-scope
question of these kinds has such a figure in its first three passages.

What someone earns, what something costs or how long it takes is stated only by a passage that
names them: "how much do nurses earn?", "devops engineer salary" and "what does an AI product
manager earn?" were answered with the salary paragraph of a guide about AI and ML engineers, which
states amounts, for them. The words naming whom (or what) the figure is asked of, less levels
and periods ("entry-level", "5 yoe"), must all be found in one of the first three passages that
states such a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retriever.subject import PRONOUNS
from retriever.text import STOP_WORDS
from retriever.vocabulary import normalize

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
    r"|earns|make|makes|salary|salaries|spend)\b|\b(?:cost|price|fee)s?\s+(?:to|of|for)\b"
    # Whether one is paid at all: "do hosts get paid or receive a stipend?"
    r"|\b(?:get|gets|getting|be|being)\s+(?:paid|compensated|reimbursed)\b|\bstipends?\b"
    # Whether something costs at all: "is pinecone free?", "is that going to cost anything?"
    r"|\b(?:is|are)\s+[^?.!]*?\bfree\b(?=\s*(?:[?,.!]|$|or\b|to\s+use\b|of\s+charge\b))"
    r"|\bcosts?\s+(?:anything|money|extra)\b|\b(?:have|need)\s+to\s+pay\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[$€£¥]\s?\d|\d[\d,.]*\s?(?:k|USD|EUR|GBP|dollars?|euros?|pounds?)\b"
    r"|\b(?:free|no\s+cost|at\s+no\s+charge|paid|unpaid|salary|salaries|budget|stipends?"
    r"|volunteers?|voluntary|compensat\w*|reimburs\w*)\b|(?:\bnot|n't|\bnever)\s+cost\b",
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


# Whose pay or what price: "how much do nurses earn?", "devops engineer salary", "what does a
# Socrative subscription cost?". The salary paragraph of a guide about AI engineers states an
# amount, for AI engineers.
_PAID = r"(?:earn|earns|make|makes|get\s+paid|gets\s+paid|paid|take\s+home|cost|costs)"
_NOUN = r"(?P<x>[\w/&.+-]+(?:\s+[\w/&.+-]+){0,4}?)"
_AMOUNT_OF = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\bhow\s+much\s+(?:do|does|did|can|could|would|will|should|might)\s+(?:an?\s+|the\s+)?"
        rf"{_NOUN}\s+(?:usually\s+|typically\s+|actually\s+|really\s+)?{_PAID}\b",
        rf"\bwhat\s+(?:do|does|did|can|could|would|will)\s+(?:an?\s+|the\s+)?{_NOUN}"
        rf"\s+(?:usually\s+|typically\s+|actually\s+)?{_PAID}\b",
        r"\b(?:salary|salaries|(?:the|average|avg|typical|median|starting|base|annual)\s+pay"
        rf"|compensation|comp|income|wages?|earnings|price|cost)\s+(?:of|for)\s+(?:an?\s+|the\s+)?"
        rf"{_NOUN}(?=\s+(?:in|at|on|with|from|who|when|vs|versus|compared)\b|\s*[?,.!;]|\s*$)",
        # "pay" as a noun only: not "companies pay ML engineers a premium".
        rf"(?:^|\b(?:a|an|the|typical|average|avg|median|what's|whats|what\s+is|what\s+are)\s+)"
        rf"{_NOUN}\s+(?:salary|salaries|compensation|comp|wages?|earnings|pay(?=\s*(?:[?,.!]|$"
        r"|\b(?:range|band|scale|in|at|vs|versus|for|like)\b)))\b",
        rf"\bwhat\s+does\s+(?:an?\s+|the\s+)?{_NOUN}\s+(?:job|role|position)\s+pay\b",
        rf"\b(?:is|are)\s+(?:an?\s+|the\s+)?{_NOUN}\s+free\b",
    )
]
# Whose time: "how long does the code of conduct committee usually take to respond?" is not
# answered by "(5 minutes)" of a meeting's agenda.
_DURATION_OF = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bhow\s+long\s+(?:does|do|did|will|would|should|can|could|might)\s+(?:an?\s+|the\s+)?"
        rf"{_NOUN}\s+(?:usually\s+|typically\s+|normally\s+|generally\s+)?(?:take|takes|last"
        r"|lasts)\b",
        r"\bhow\s+(?:long|many\s+(?:minutes|hours|days|weeks|months|years))\s+(?:does|do|did|will"
        rf"|would)\s+(?:it\s+take\s+)?(?:an?\s+|the\s+)?{_NOUN}\s+(?:usually\s+|typically\s+)?"
        r"(?:to\s+)?(?:respond|reply|answer|approve|review|process|decide|get\s+back)\b",
        r"\bhow\s+long\s+(?:is|are)\s+(?:an?\s+|the\s+|each\s+|every\s+)?"
        rf"{_NOUN}(?=\s*[?,.!]|\s*$)",
    )
]
# Words of the phrase that say how, not who: a level, a period, the question around it (and
# any stop word).
# fmt: off
_NOT_WHO = STOP_WORDS | frozenset([
    "typical", "average", "avg", "usual", "median", "starting", "start", "entry", "level",
    "entry-level", "senior", "junior", "mid", "mid-level", "experienced", "new", "brand-new",
    "brand", "first", "year", "years", "yrs", "yoe", "experience", "exp", "annual", "base",
    "actually", "usually", "really", "per", "hour", "hourly", "good",
    "decent", "fresher", "fresh", "grad", "grads", "graduate", "lowest", "highest", "max",
    "min", "maximum", "minimum", "range", "band", "total", "realistic", "current", "someone",
    "people", "person", "folks", "vs", "versus",
])
_CLAUSE = frozenset([
    "how", "what", "whats", "what's", "which", "who", "why", "when", "where", "do", "does",
    "did", "is", "are", "can", "could", "would", "should", "will", "might", "i", "you", "we",
    "they", "my", "your", "our", "their", "guide", "say", "says", "said", "makes", "make",
    "about", "tell", "me", "there",
])
# fmt: on
_PRONOUNS = PRONOUNS | {"i", "you", "we"}
_ROLE_SHORTHAND = {
    "mle": "ml engineer",
    "mles": "ml engineers",
    "eng": "engineer",
    "engs": "engineers",
}


def unstated(question: str, passages: Iterable[str]) -> bool:
    """The question asks for a duration, an amount or a share, and `passages` state none; or it
    asks what someone earns, what something costs or how long it takes, and no passage stating
    such a figure names them."""
    texts = list(passages)
    kinds = ((_ASKS_DURATION, _DURATION), (_ASKS_AMOUNT, _AMOUNT), (_ASKS_SHARE, _SHARE))
    wanted = [said for asks, said in kinds if asks.search(question)]
    text = " ".join(texts)
    if any(not said.search(text) for said in wanted) or _other_unit(question, text):
        return True
    return _of_another(question, texts, _AMOUNT_OF, _AMOUNT) or _of_another(
        question, texts, _DURATION_OF, _DURATION
    )


def _of_another(
    question: str, texts: list[str], asked_of: list[re.Pattern[str]], stated: re.Pattern[str]
) -> bool:
    """The figure is asked of someone or something, and no passage that states one names it."""
    who = _whose(question, asked_of)
    if not who:  # most questions: the passages are not read at all
        return False
    stating = [normalize(t.lower()) for t in texts if stated.search(t)]
    return bool(stating) and not any(all(_names(w, t) for w in who) for t in stating)


def _whose(question: str, asked_of: list[re.Pattern[str]]) -> list[str]:
    """The words naming whom or what a figure is asked of; none when it asks of no one."""
    for pattern in asked_of:
        found = pattern.search(question)
        if found:
            phrase = found.group("x").split()
            cut = max((i + 1 for i, w in enumerate(phrase) if w.lower() in _CLAUSE), default=0)
            phrase = phrase[cut:]
            if not phrase or phrase[0].lower() in _PRONOUNS:
                return []
            words = re.findall(r"[a-z0-9][a-z0-9+#.-]*", normalize(" ".join(phrase).lower()))
            spelled = " ".join(_ROLE_SHORTHAND.get(w.strip(".-"), w.strip(".-")) for w in words)
            return [w for w in spelled.split() if w not in _NOT_WHO and len(w) > 1]
    return []


def _names(word: str, text: str) -> bool:
    # A prefix, not answer.terms' stems (which make "nurses" "nurs" and "nurse" "nurse"): the
    # word need only begin a word of the passage, so "engineers" finds "engineer".
    stem = word[:-1] if word.endswith("s") and len(word) > 3 else word
    stem = stem[: max(3, len(stem) - 2)] if len(stem) > 5 else stem
    return re.search(r"(?<![a-z0-9])" + re.escape(stem), text) is not None


def _other_unit(question: str, text: str) -> bool:
    asked = _ASKS_UNIT.search(question)
    if not asked:
        return False
    want = _UNITS.index(asked.group(1).lower())
    stated = [_UNITS.index(_SHORT.get(u.lower(), u.lower())) for u in _UNIT_STATED.findall(text)]
    return not any(abs(unit - want) <= 1 for unit in stated)
