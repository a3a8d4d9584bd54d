"""BM25's vocabulary: abbreviations and synonyms mapped onto one form before lexical matching.

Applied to passages and questions alike, so "ML", "machine learning" and "machine-learning"
meet, and "pay", "earn" and "compensation" all reach the salary paragraph. The served (dense)
path no longer uses it: the tuned model learned these from the train split, and on dev every
rule that spelled out abbreviations for the dense query cost more than it gave
(docs/evaluation.md).
"""

from __future__ import annotations

import re

# (pattern, canonical words). Order matters: longer phrases first.
_CANON: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), c)
    for p, c in [
        (r"\bmachine[- ]learning\b", "ml"),
        (r"\bartificial[- ]intelligence\b", "ai"),
        (r"\blarge language models?\b|\bllms?\b", "llm"),
        (r"\bcomputer science\b|\bcs\b", "computerscience"),
        (r"\bmath(?:s|ematics|ematical)?\b", "mathematics"),
        (r"\bstats\b|\bstatistic(?:s|al)\b", "statistics"),
        (
            r"\bsalar(?:y|ies)\b|\bpay(?:s|ing)?\b|\bpaid\b|\bearn(?:s|ing|ings|ed)?\b"
            r"|\bcompensation\b|\bincome\b|\bwages?\b",
            "salary",
        ),
        (r"\bdevs?\b|\bdevelopers?\b|\bprogrammers?\b|\bcoders?\b", "developer"),
        (r"\bjobs?\b|\bpositions?\b|\broles?\b", "role"),
        (r"\bdegrees?\b|\bcredentials?\b|\bcertifications?\b|\beducation(?:al)?\b", "credential"),
        (
            r"\btransition(?:ing|s)?\b|\bswitch(?:ing|es)?\b|\bmov(?:e|ing) into\b|\bbreak into\b",
            "transition",
        ),
    ]
]


def normalize(text: str) -> str:
    """Text with each known abbreviation or synonym replaced by its canonical word."""
    for pattern, canonical in _CANON:
        text = pattern.sub(canonical, text)
    return text
