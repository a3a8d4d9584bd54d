"""The other of a pair a guide sets side by side: what "how about the other role?" means after a
question about AI engineers, in a guide that compares AI engineers with ML engineers.

A pair is two phrases of two words with the same last word, singular or plural ("AI engineers",
"ML engineer"; "batch pipelines", "streaming pipelines"). The counterpart of a phrase is the one
the guide names in the most sentences beside it; where it names none beside it, none. Learned
from the guide's own sentences, so it holds for any guide and needs no list of roles.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from threading import Lock
from typing import TYPE_CHECKING

from retriever.answer.terms import stem
from retriever.text import STOP_WORDS

if TYPE_CHECKING:
    from retriever.types import Chunk

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#-]*")


class Counterparts:
    """The pairs of one build's guides, counted on first use (a chat's first "the other one")."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        # The sentences ingest found and the build stores (not split again here).
        self._sentences = [s for c in chunks for s in c.answer_sentences]
        self._lock = Lock()
        self._beside: dict[tuple[str, str], Counter[str]] | None = None
        self._written: dict[str, Counter[str]] = defaultdict(Counter)

    def of(self, phrase: str) -> tuple[str, int] | None:
        """The phrase the guide sets beside `phrase` (two words) most often, as the guide
        writes it ("ML engineers" for "AI engineers"), and in how many sentences; or None."""
        said = phrase.split()
        if len(said) != 2:
            return None
        first, head = said[0].lower(), stem(said[1].lower())
        options = self._pairs().get((first, head))
        if not options:
            return None
        other, sentences = min(options.items(), key=lambda pair: (-pair[1], pair[0]))
        return f"{self._as_written(other)} {said[1]}", sentences

    def named(self, phrase: str, first: str) -> str | None:
        """The phrase beside `phrase` (two words) that starts with `first`, as the guide writes
        it ("ML engineers" for "AI engineers" and "ml"), or None."""
        said = phrase.split()
        if len(said) != 2 or first.lower() == said[0].lower():
            return None
        options = self._pairs().get((said[0].lower(), stem(said[1].lower())), Counter())
        if first.lower() not in options:
            return None
        return f"{self._as_written(first.lower())} {said[1]}"

    def written_before(self, word: str, phrase: str) -> bool:
        """The guide writes `word` just before `phrase` (its head singular or plural) in some
        sentence: "Senior AI engineer roles" for "senior" and "AI engineers"."""
        *rest, head = phrase.split()
        head = head[:-1] if head.lower().endswith("s") and len(head) > 3 else head
        said = r"\s+".join(re.escape(w) for w in [word, *rest, head])
        pattern = re.compile(rf"\b{said}", re.IGNORECASE)
        return any(pattern.search(sentence) for sentence in self._sentences)

    def _as_written(self, word: str) -> str:
        """`word` (lowercase, one the counting saw) as the guide writes it most often ("ML")."""
        written, _ = self._written[word].most_common(1)[0]
        return written

    def prepare(self) -> None:
        """Count the pairs now rather than on the first question that needs them."""
        self._pairs()

    def _pairs(self) -> dict[tuple[str, str], Counter[str]]:
        with self._lock:
            if self._beside is None:
                self._beside = self._count()
            return self._beside

    def _count(self) -> dict[tuple[str, str], Counter[str]]:
        beside: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for sentence in self._sentences:
            by_head: dict[str, set[str]] = defaultdict(set)
            for first, head in itertools.pairwise(_WORD.findall(sentence)):
                if first.lower() in STOP_WORDS or head.lower() in STOP_WORDS:
                    continue
                by_head[stem(head.lower())].add(first.lower())
                self._written[first.lower()][first] += 1
            for head, firsts in by_head.items():
                for one in firsts:
                    for other in firsts - {one}:
                        beside[(one, head)][other] += 1
        return dict(beside)
