"""Questions about a guide as a whole ("what does this guide cover?", "table of contents"): its
sections in reading order, each cited to its first passage; in an index of several guides, and
for "which guides do you have?", the guides, each cited to its first passage. "Who is this guide
for?" is answered by its opening: where a guide says whom it is written for.

Retrieval cannot answer them: no passage says what its guide covers, so the judge abstained with
"The guide does not cover this question" on the most natural first question about a new guide.
The answer is the guide's own headings, nothing written for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from retriever.answer import Piece, render
from retriever.search import Keep
from retriever.types import Answer, Chunk, Hit

MAX_ENTRIES = 25  # sections (or guides) listed, in reading order
_WORD = re.compile(r"[a-z]+")
_GUIDE_NOUNS = frozenset({
    "guide", "guides", "doc", "docs", "document", "documents", "article", "handbook", "manual",
    "book",
})  # fmt: skip
# Every word of such a question is one of these ("what's" is "what" and "s")...
_ABOUT_A_GUIDE = _GUIDE_NOUNS | {
    "what", "whats", "s", "which", "does", "do", "is", "are", "the", "a", "an", "this", "that",
    "these", "of", "in", "on", "about", "me", "us", "i", "you", "please", "can", "could", "would",
    "tell", "show", "give", "list", "all", "every", "everything", "it", "its", "there", "here",
    "cover", "covers", "covered", "covering", "topic", "topics", "section", "sections",
    "chapter", "chapters", "part", "parts", "content", "contents", "table", "outline", "overview",
    "structure",
}  # fmt: skip
# ...and one of these asks for its parts. Not "summary" or "main points": those ask for what it
# concludes, which its passages say (a "Key takeaways" section).
_ASKS_PARTS = frozenset({
    "cover", "covers", "covered", "covering", "topic", "topics", "section", "sections", "chapter",
    "chapters", "contents", "outline", "overview", "structure", "about",
})  # fmt: skip
_WHATS_IN = re.compile(
    r"^\s*what(?:'s|s| is)\s+in\s+(?:this|the)\s+(?:guide|doc|document|article|handbook|manual)"
    r"\s*\??\s*$",
    re.IGNORECASE,
)


# "Which guides do you have?", "list the documents": the guides themselves, however many.
_GUIDES = frozenset({"guides", "documents", "docs", "handbooks", "manuals", "articles", "books"})
_ABOUT_THE_GUIDES = _ABOUT_A_GUIDE | {
    "have", "available", "know", "got", "answer", "answers", "from", "ones", "use", "read",
    "indexed", "loaded", "search", "access", "served", "ask",
}  # fmt: skip
# "Who is this guide for?", "what is this guide for?", "who should read it?": its opening.
_ABOUT_WHOM = _ABOUT_A_GUIDE | {
    "who", "for", "audience", "readers", "reader", "read", "should", "written", "meant",
    "intended", "aimed", "purpose", "target", "point",
}  # fmt: skip
_ASKS_FOR_WHOM = frozenset({"who", "for", "audience", "readers", "reader", "purpose", "point"})
_A_GUIDE = _GUIDE_NOUNS | {"this", "it"}
OPENING_SENTENCES = 3
Asked = Literal["sections", "guides", "opening"]


def asks_outline(question: str) -> Asked | None:
    """What a question about the guides as a whole asks for: their sections ("what does this
    guide cover?"; with several guides, the guides), or the guides ("which guides are there?")."""
    said = set(_WORD.findall(question.lower()))
    if (said and said <= _ABOUT_A_GUIDE and said & _ASKS_PARTS) or _WHATS_IN.match(question):
        return "sections"
    if said <= _ABOUT_WHOM and said & _ASKS_FOR_WHOM and said & _A_GUIDE:
        return "opening"
    if said and said <= _ABOUT_THE_GUIDES and said & _GUIDES:
        return "guides"
    return None


# "What does the OpenRefine guide cover?": a guide named by words of its title.
_NAMED = re.compile(
    r"\b(?:the|this|your)\s+(?P<name>[\w'-]+(?:\s+[\w'-]+){0,7}?)\s+"
    r"(?:guide|handbook|manual|document|doc)\b",
    re.IGNORECASE,
)


class Outline:
    """Each guide's sections, in reading order, with the index of each one's first passage."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks
        firsts: dict[str, dict[str, int]] = {}

        def place(i: int) -> tuple[str, int]:
            return chunks[i].document_id, chunks[i].position

        for i in sorted(range(len(chunks)), key=place):
            firsts.setdefault(chunks[i].document_id, {}).setdefault(chunks[i].section, i)
        self._sections = {d: list(sections.values()) for d, sections in firsts.items()}
        self._title_words = {
            d: set(_WORD.findall(f"{chunks[s[0]].document_title} {d}".lower()))
            for d, s in self._sections.items()
        }

    def asked(self, question: str) -> tuple[Asked, str | None] | None:
        """What a question about the guides as a whole asks for, and the one guide it names by
        words of its title ("what does the OpenRefine guide cover?"), if it names one."""
        plain = asks_outline(question)
        if plain:
            return plain, None
        found = _NAMED.search(question)
        if not found:
            return None
        named = set(_WORD.findall(found.group("name").lower())) - _ABOUT_A_GUIDE
        guides = [d for d, words in self._title_words.items() if named and named <= words]
        rest = question[: found.start("name")] + question[found.end("name") :]
        if len(guides) == 1 and asks_outline(rest) == "sections":
            return "sections", guides[0]
        return None

    def answer(
        self,
        keep: Keep | None,
        score: Callable[[int], float],
        asked: Asked = "sections",
        document: str | None = None,
    ) -> Answer:
        """The sections of the one guide `keep` allows (or the index holds, or `document`
        names), else the guides; the guides, however many, when `asked` for. `score(i)`: the
        question's cosine to passage i, as every citation carries."""
        guides = {d: s for d, s in self._sections.items() if keep is None or keep(s[0])}
        if document in guides:
            guides = {document: guides[document]}
        if len(guides) == 1 and asked == "opening":
            # Where a guide says whom it is for and why: its first passage's first sentences.
            ((first, *_),) = guides.values()
            said = self.chunks[first].answer_sentences[:OPENING_SENTENCES]
            return render([Piece(Hit(self.chunks[first], score(first), 1), s) for s in said])
        if len(guides) == 1 and asked == "sections":
            (starts,) = guides.values()
            entries = [(i, self.chunks[i].section) for i in starts]
        else:
            entries = [(s[0], self.chunks[s[0]].document_title) for s in guides.values()]
        pieces = [
            Piece(Hit(self.chunks[i], score(i), rank), title, bullet=True)
            for rank, (i, title) in enumerate(entries[:MAX_ENTRIES], start=1)
        ]
        return render(pieces)
