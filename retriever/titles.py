"""Questions that ask for a section by its title ("what are the key takeaways?").

Such a question shares few words with the section's passages (a title is not in its chunks' own
text), so the judge's evidence reads it as off-topic; but a guide with a section of that name
covers it, whatever else the judge weighs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retriever.answer.terms import terms
from retriever.search.base import Candidate, Keep
from retriever.summary import sums_up
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
        self.chunks = chunks
        self._titles = {c.section: frozenset(terms(c.section)) for c in chunks}

    def named(self, question: str) -> frozenset[str]:
        """The sections whose title holds every word of the question, less the GENERIC ones."""
        asked = terms(question) - GENERIC
        if not asked:
            return frozenset()
        return frozenset(s for s, title in self._titles.items() if asked <= title)

    def summing_up(self, keep: Keep | None = None) -> frozenset[str]:
        """The sections that sum their guide up ("Key takeaways", "Summary"), what a question
        that asks for a summary ("tl;dr") names; none when `keep` leaves several guides, where
        "the guide" is any of them (the outline lists them)."""
        kept = [c for i, c in enumerate(self.chunks) if keep is None or keep(i)]
        if len({c.document_id for c in kept}) > 1:
            return frozenset()
        return frozenset(c.section for c in kept if sums_up(c.section))

    def first(
        self, named: frozenset[str], pool: Sequence[Candidate], score: Callable[[int], float],
        keep: Keep | None = None, *, bring: bool = False,
    ) -> list[Candidate]:  # fmt: skip
        """The pool with the named sections' passages first, in the retriever's order, then the
        rest. With `bring`, those it did not rank come after the first ones, best first: a
        summary's words ("tl;dr") are in no passage of a "Key takeaways" table, where a title's
        are in some passage of the section when it answers."""
        ranked = [c for c in pool if self.chunks[c.index].section in named]
        seen = {c.index for c in pool}
        brought = [
            Candidate(i, score(i)) for i, c in enumerate(self.chunks)
            if bring and c.section in named and i not in seen and (keep is None or keep(i))
        ]  # fmt: skip
        rest = [c for c in pool if self.chunks[c.index].section not in named]
        return [*ranked, *sorted(brought, key=lambda c: -c.cosine), *rest]
