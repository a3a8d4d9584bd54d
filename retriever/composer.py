"""Template answers: sentences copied verbatim from the top hits, each with a numbered citation.

No text is generated. The composer picks which retrieved sentences answer the question, puts
them in reading order and numbers their sources. Its shape follows the question: a comparison
leads with the table row that covers both roles, a list question lists the items, and a
question about pay prefers the sentences that carry the figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from retriever.text import split_sentences, words
from retriever.types import Answer, AnswerPart, Chunk, Citation, Hit

ABSTAIN_TEXT = "The guide does not cover this question, so there is no answer to cite."

_COMPARISON = re.compile(
    r"\b(vs\.?|versus|differ\w*|compare\w*|comparison|between|which (?:one|role|path)|or)\b", re.I
)
_LIST = re.compile(
    r"^\s*(which|list|name|what (?:are|kinds?|types?|sort)|what \w+ (?:do|does|can|should))\b"
    r"|\b(steps|roadmap|paths|options|tools|examples|responsibilities|challenges|roles)\b",
    re.I,
)
_NUMBER = re.compile(
    r"\b(salar\w*|earn\w*|pay\w*|paid|make|compensation|income|how much|money|\$)", re.I
)
_FIGURE = re.compile(r"\$\s?\d|\d[\d,.]*\s?(%|k\b|percent)|\b\d{2,}")
_STOP = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "can",
        "could",
        "should",
        "would",
        "will",
        "i",
        "you",
        "your",
        "me",
        "my",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "about",
        "into",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
    ]
)
_MAX_SENTENCES = 3
_MAX_ITEMS = 8


@dataclass(frozen=True, slots=True)
class QuestionShape:
    comparison: bool
    listing: bool
    figures: bool


def shape_of(question: str) -> QuestionShape:
    return QuestionShape(
        comparison=bool(_COMPARISON.search(question)),
        listing=bool(_LIST.search(question)),
        figures=bool(_NUMBER.search(question)),
    )


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ers", "ies", "es", "ed", "er", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _terms(text: str) -> set[str]:
    return {_stem(w) for w in words(text) if w not in _STOP}


Scored = tuple[float, Hit, int, str]  # (score, hit, sentence position in chunk, sentence)


class Composer:
    """Picks, orders and cites sentences from hits; abstains under `min_score`."""

    def __init__(
        self,
        min_score: float,
        chunks: Sequence[Chunk] = (),
        *,
        margin: float = 0.15,
        depth: int = 3,
        section_focus: bool = True,
    ) -> None:
        self.min_score = min_score
        # Hits scoring far below the best are about something else; they do not get cited.
        self.margin = margin
        self.depth = depth
        self.section_focus = section_focus
        # Words every passage shares ("engineer", "AI") say little about which sentence answers.
        df: Counter[str] = Counter(t for c in chunks for t in _terms(c.text))
        n = len(chunks)
        self._idf = {t: math.log((n + 1) / (f + 0.5)) for t, f in df.items()}
        self._idf_default = math.log(n + 2) if n else 1.0
        self._rare = math.log((n + 1) / (0.25 * n + 0.5)) if n else 0.0  # in under 1/4 of chunks

    def compose(self, question: str, hits: Sequence[Hit]) -> Answer:
        best = max((h.score for h in hits), default=-1.0)
        if best < self.min_score:
            return Answer(ABSTAIN_TEXT, abstained=True)
        floor = max(self.min_score, best - self.margin)
        first = min(hits, key=lambda h: h.rank)
        # The fused ranking's pick always speaks, even when another hit has the higher cosine.
        candidates = [h for h in hits if h is first or (h.rank <= self.depth and h.score >= floor)]
        if self.section_focus:
            # Answer from one section: the best-ranked hit's. Cited text then stays on topic.
            top = first.chunk
            candidates = [h for h in candidates if _section(h) == (top.document_id, top.section)]
        shape = shape_of(question)
        ranked = self._rank(question, candidates, shape)
        best_hit = ranked[0][1]
        if shape.listing and best_hit.chunk.kind == "list_item":
            picked = _whole_list(best_hit, hits)  # all hits: the pipeline added the siblings
            if picked:
                return _render(picked)
        if shape.comparison:
            # A row the question names leads even if it retrieved weakly: it is the comparison.
            named = self._rank(
                question, [h for h in hits if self.names_row(question, h.chunk)], shape
            )
            rows = named or [t for t in ranked[:_MAX_SENTENCES] if t[1].chunk.kind == "table_row"]
            if rows and rows[0][1].score >= self.min_score:
                lead = rows[0][1].chunk.id
                rest = [t for t in ranked if t[1].chunk.id != lead][: _MAX_SENTENCES - 2]
                return _render([_part(rows[0]), *(_part(t) for t in _reading_order(rest))])
        chosen = _ensure_top_hit(ranked[:_MAX_SENTENCES], ranked, first)
        return _render([_part(t) for t in _reading_order(chosen)])

    def names_row(self, question: str, chunk: Chunk) -> bool:
        """The question names this table row's label ("math" → the "Mathematics" row).

        Only distinctive label words count: "engineering" is in every row of this guide.
        """
        if chunk.kind != "table_row":
            return False
        label = {t for t in _terms(chunk.text.split(" — ")[0]) if self._idf.get(t, 0) > self._rare}
        return any(
            q.startswith(t) or t.startswith(q)
            for q in _terms(_COMPARISON.sub(" ", question))
            for t in label
            if min(len(q), len(t)) >= 4
        )

    def _weight(self, terms: set[str]) -> float:
        return sum(self._idf.get(t, self._idf_default) for t in terms)

    def _rank(self, question: str, hits: Sequence[Hit], shape: QuestionShape) -> list[Scored]:
        """Every answer sentence of every hit, best first: retrieval score + rare shared words."""
        wanted = _terms(question)
        total = self._weight(wanted) or 1.0
        scored: list[Scored] = []
        for hit in hits:
            lead = _lead(hit.chunk)
            for k, sentence in enumerate(_answer_sentences(hit)):
                shared = wanted & _terms(f"{lead} {sentence}")
                # The fused rank, not the raw cosine, says how good the passage is.
                score = 1.0 - 0.05 * (hit.rank - 1) + 0.3 * self._weight(shared) / total
                if shape.figures and _FIGURE.search(sentence):
                    score += 0.3
                scored.append((score, hit, k, sentence))
        scored.sort(key=lambda t: (-t[0], t[1].rank, t[2]))
        return scored


def _section(hit: Hit) -> tuple[str, str]:
    return hit.chunk.document_id, hit.chunk.section


def _part(t: Scored) -> tuple[Hit, str, bool]:
    return t[1], t[3], False


def _reading_order(chosen: Sequence[Scored]) -> list[Scored]:
    return sorted(chosen, key=lambda t: (t[1].rank, t[2]))


def _whole_list(top: Hit, hits: Sequence[Hit]) -> list[tuple[Hit, str, bool]]:
    """The list `top` belongs to: its introducing sentence, then its items in reading order."""
    lead = top.chunk.text.partition("\n- ")[0]
    items = sorted(
        (h for h in hits if h.chunk.kind == "list_item" and h.chunk.text.startswith(lead + "\n- ")),
        key=lambda h: h.chunk.position,
    )[:_MAX_ITEMS]
    if len(items) < 2:
        return []
    return [(items[0], lead, False)] + [(h, h.chunk.text[len(lead) + 3 :], True) for h in items]


def _lead(chunk: Chunk) -> str:
    """The context a list item or FAQ answer stands in: its list intro or its question."""
    if chunk.kind == "list_item":
        return chunk.text.partition("\n- ")[0]
    if chunk.kind == "faq":
        return chunk.text.partition("\n")[0]
    return ""


def _answer_sentences(hit: Hit) -> list[str]:
    """Sentences of a chunk that can stand in an answer (not a list intro or FAQ question)."""
    chunk = hit.chunk
    if chunk.kind == "table_row":
        return [chunk.text]
    if chunk.kind == "list_item":
        return [chunk.text.partition("\n- ")[2] or chunk.text]
    if chunk.kind == "faq":
        return split_sentences(chunk.text.partition("\n")[2] or chunk.text)
    return split_sentences(chunk.text)


def _ensure_top_hit(chosen: list[Scored], ranked: list[Scored], top: Hit) -> list[Scored]:
    # The best-ranked chunk always speaks: sentence scoring must not drown the retriever's pick.
    if chosen and not any(t[1] is top for t in chosen):
        chosen = [*chosen[:-1], next(t for t in ranked if t[1] is top)]
    return chosen


def _render(picked: list[tuple[Hit, str, bool]]) -> Answer:
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[AnswerPart] = []
    for hit, text, bullet in picked:
        chunk = hit.chunk
        if chunk.id not in numbers:
            numbers[chunk.id] = len(numbers) + 1
            citations.append(
                Citation(
                    numbers[chunk.id],
                    chunk.document_id,
                    chunk.section,
                    chunk.id,
                    round(hit.score, 4),
                    chunk.text,
                )
            )
        parts.append(AnswerPart(text, numbers[chunk.id], bullet))
    return Answer(
        render_text(parts), abstained=False, citations=tuple(citations), parts=tuple(parts)
    )


def render_text(parts: Sequence[AnswerPart]) -> str:
    """'Sentence. [1] Another. [2]' with list items on their own '- ' lines."""
    out = ""
    for i, part in enumerate(parts):
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        marker = "" if (nxt is not None and nxt.bullet and not part.bullet) else f" [{part.n}]"
        piece = f"- {part.text}{marker}" if part.bullet else f"{part.text}{marker}"
        sep = "\n" if (part.bullet or (nxt is not None and nxt.bullet)) else " "
        out += piece + (sep if nxt is not None else "")
    return out
