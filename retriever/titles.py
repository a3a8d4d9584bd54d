"""Questions that ask for a section by its title ("what are the key takeaways?").

Such a question shares few words with the section's passages (a title is not in its chunks' own
text), so the judge's evidence reads it as off-topic; but a guide with a section of that name
covers it, whatever else the judge weighs.
"""

from __future__ import annotations

from collections.abc import Sequence

from retriever.answer.terms import terms
from retriever.types import Chunk

# Words that ask for a section rather than name one.
GENERIC = frozenset(
    terms(
        "guide section part chapter summary summarize summarise overview main key points list "
        "tell explain describe say says cover covers give"
    )
)


class Titles:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._titles = {c.section: frozenset(terms(c.section)) for c in chunks}

    def named(self, question: str) -> frozenset[str]:
        """The sections whose title holds every word of the question, less the GENERIC ones."""
        asked = terms(question) - GENERIC
        if not asked:
            return frozenset()
        return frozenset(s for s, title in self._titles.items() if asked <= title)
