"""Template answers: sentences copied verbatim from the hits, each with a numbered citation.

No text is generated. The composer picks which retrieved sentences answer the question and puts
them in reading order. Its shape follows the question: a comparison leads with the table row the
question names, a list question lists the items, and a question about pay prefers the sentences
that carry the figures. A sentence that opens on "They" or "This" comes with the one before it,
which says what they are. A question that asks why is answered with a sentence that gives a
reason (`retriever.answer.reasons`). A guide's "Yes, " or "No, " leads only the answer to a
question that asks yes or no; elsewhere the sentence is quoted from the word after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retriever.answer.context import Context, list_key
from retriever.answer.elsewhere import passage_beside, same_section
from retriever.answer.leads import lead_carriers
from retriever.answer.reasons import with_reason
from retriever.answer.render import Piece, render
from retriever.answer.replies import replies
from retriever.answer.sentences import SentenceVectors
from retriever.answer.shape import Shape
from retriever.answer.terms import TermWeights, terms
from retriever.types import Answer, Chunk, Hit

_FIGURE = re.compile(r"\$\s?\d|\d[\d,.]*\s?(%|k\b|percent)|\b\d{2,}")
# A sentence that opens on what the one before it named ("They will remove you from the
# channel.") says nothing alone: the sentence before it joins. "It" and "There" open a sentence
# as often without naming anything ("It is tempting to…"), so they do not count.
_ANAPHOR = re.compile(r"^(?:They|Their|Them|These|This|Those|Such|He|She|His|Her)\b")
MAX_SENTENCES = 3
# Short sentences say less: past the third, one more joins while the answer stays within
# SHORT_ANSWER_CHARS, up to MAX_SHORT_SENTENCES. Chosen on the dev guides and the shipped guide's
# dev split (docs/evaluation.md): a fourth sentence whatever its length made answers a third longer.
SHORT_ANSWER_CHARS = 400
MAX_SHORT_SENTENCES = 5
# Items of one list that say less than this together ("Proprietary components", "Kernel space
# versus user space") answer nothing without their lead: the list is given whole instead.
# Chosen on the dev guides and the shipped guide's dev split (docs/evaluation.md).
BARE_CHARS = 160
MAX_ITEMS = 8
SEMANTIC = 2.0  # weight of a sentence's cosine to the question (dev: docs/evaluation.md)
# Which retrieved passages of the top section may speak: the first DEPTH, within MARGIN of the
# best cosine. Chosen on the dev guides and the shipped guide's dev split (docs/evaluation.md):
# 0.15 and 3 before, when a section's fact-bearing passage ranked fourth went unsaid.
MARGIN = 0.3
DEPTH = 4
# A first passage shorter than this ("Applying for jobs.", "Fill out the host form.") names a
# subject more than it answers, as one that only asks questions does: one sentence of another
# section's passage among the first STUB_REACH may join it. Chosen on the dev guides and the
# shipped guide's dev split (docs/evaluation.md): a longer first passage, or more sentences,
# cost citation precision.
STUB_CHARS = 60
STUB_REACH = 3
# Another section's passage among the first STUB_REACH that holds a word of the question the
# first passage lacks, within this of its cosine, may add one sentence (answer/elsewhere.py).
# Chosen on the dev guides and the shipped guide's dev split (docs/evaluation.md).
BESIDE_MARGIN = 0.03


@dataclass(frozen=True, slots=True)
class Sentence:
    """One answer sentence of a hit, scored for the question."""

    score: float
    hit: Hit
    position: int  # within its chunk
    text: str

    @property
    def piece(self) -> Piece:
        return Piece(self.hit, self.text)


class Composer:
    """Picks, orders and cites sentences from a context the caller has already judged answerable."""

    def __init__(
        self,
        weights: TermWeights,
        min_score: float,
        chunks: Sequence[Chunk] = (),
        sentences: SentenceVectors | None = None,
        *,
        margin: float = MARGIN,
        depth: int = DEPTH,
        section_focus: bool = True,
        semantic: float = SEMANTIC,
    ) -> None:
        self.weights = weights
        self.min_score = min_score
        # Each answer sentence's cosine to the question, weighted by `semantic`, joins its score:
        # which sentence answers is a matter of meaning, not only of shared words.
        self.sentences = sentences
        self.rows = {c.id: i for i, c in enumerate(chunks)}
        self.semantic = semantic
        # Hits scoring far below the best are about something else; they do not get cited.
        self.margin = margin
        self.depth = depth
        # Answer from one section, the top hit's: cited text then stays on topic.
        self.section_focus = section_focus
        # Each chunk's answer sentences and their terms, worked out once per build.
        self._sentences: dict[str, list[tuple[str, set[str]]]] = {}
        self._leads = lead_carriers(chunks)

    def compose(self, question: str, shape: Shape, context: Context) -> Answer:
        if context.section:  # two items or more: sections of one are not given whole
            # "What are the key takeaways?": the section it names is the answer, all of it.
            return _answered(_listed(context.section[:MAX_ITEMS]), shape, question)
        top = context.top
        # Whether another section may speak: then with one sentence at most.
        elsewhere = self._stub(top, shape)
        if elsewhere:
            ranked = self._beyond_the_stub(question, shape, context)
        else:
            floor = max(self.min_score, max(h.score for h in context.hits) - self.margin)
            beside = passage_beside(question, context, STUB_REACH, BESIDE_MARGIN)
            ranked = self._rank(question, self._reach(context, floor) + beside, shape,
                                context.vector)  # fmt: skip
            elsewhere = bool(beside)
        if shape.listing and top.chunk.kind == "list_item":
            # The list the retriever ranked first, not one whose intro merely shares a word.
            items = context.list_of(top)[:MAX_ITEMS]
            if len(items) >= 2:
                return _answered(_listed(items), shape, question)
        if shape.comparison:
            # A row the question names leads even if it retrieved weakly: it is the comparison.
            named = self._rank(question, context.named_rows, shape, context.vector)
            rows = named or [s for s in ranked[:MAX_SENTENCES] if s.hit.chunk.kind == "table_row"]
            if rows and rows[0].hit.score >= self.min_score:
                row = rows[0].hit.chunk.id
                rest = [s for s in ranked if s.hit.chunk.id != row][: MAX_SENTENCES - 2]
                pieces = [rows[0].piece, *(s.piece for s in _reading_order(rest))]
                return _answered(pieces, shape, question)
        chosen = _at_most_one_elsewhere(ranked, top) if elsewhere else _best(ranked)
        if not any(s.hit is top for s in chosen):
            # Sentence scoring must not drown the retriever's pick.
            chosen = [*chosen[:-1], next(s for s in ranked if s.hit is top)]
        if shape.reason:
            # The reason may be in another section's passage among the first STUB_REACH.
            floor = max(self.min_score, top.score - self.margin)
            near = [h for h in context.hits if h.rank <= STUB_REACH and h.score >= floor]
            reasons = self._rank(question, near, shape, context.vector)
            chosen = with_reason(chosen, reasons, top, MAX_SENTENCES)
            ranked = [*ranked, *reasons]  # where a reason's antecedent is looked for too
        # After the pick is in: put before it, an antecedent would have been the one it replaced.
        chosen = _with_antecedents(chosen, ranked)
        items = context.list_of(top)[:MAX_ITEMS]
        if len(items) >= 2 and _bare(chosen, items):
            return _answered(_listed(items), shape, question)
        return _answered([s.piece for s in _reading_order(chosen)], shape, question)

    def _reach(self, context: Context, floor: float) -> list[Hit]:
        """The hits that may speak: the first DEPTH at or over the floor, of the top hit's
        section. The ranking's pick always speaks, even when another hit has the higher cosine."""
        top = context.top
        return [
            h
            for h in context.hits
            if h is top or (h.rank <= self.depth and h.score >= floor)
            if not self.section_focus or same_section(h, top)
        ]

    def _beyond_the_stub(self, question: str, shape: Shape, context: Context) -> list[Sentence]:
        """The sentences of the stub's section and of the first STUB_REACH hits of others.

        A stub's cosine says how well it names the subject, so the margin is taken from the
        best of the others ("Fill out the host form." at 0.69 had silenced its own section's
        "When submitted, this form will automatically send an email to …" at 0.37)."""
        top = context.top
        others = [h.score for h in context.hits if h is not top]
        floor = max(self.min_score, max(others, default=top.score) - self.margin)
        elsewhere = [
            h
            for h in context.hits
            if h.rank <= STUB_REACH and h.score >= floor and not same_section(h, top)
        ]
        hits = [*self._reach(context, floor), *elsewhere]
        return self._rank(question, hits, shape, context.vector)

    def _stub(self, top: Hit, shape: Shape) -> bool:
        """The first passage cannot answer alone (too short, or it only asks: "What if someone
        breaks the Code of Conduct?"), and the answer is not a list or a comparison, whose shape
        is the top hit's own list or table."""
        shaped = shape.comparison or (shape.listing and top.chunk.kind == "list_item")
        said = top.chunk.answer_sentences
        asks = bool(said) and all(s.rstrip().endswith("?") for s in said)
        short = len(top.chunk.own_text) < STUB_CHARS
        return self.section_focus and not shaped and (short or asks)

    def _rank(
        self, question: str, hits: Sequence[Hit], shape: Shape, vector: np.ndarray | None
    ) -> list[Sentence]:
        """Every answer sentence of every hit, best first: the passage's rank, the sentence's
        meaning (cosine to the question), rare shared words, figures for pay questions."""
        wanted = terms(question)
        total = self.weights.weight(wanted) or 1.0
        scored: list[Sentence] = []
        for hit, only in [*((h, None) for h in hits), *self._leads.of(hits)]:
            cosines = self._cosines(hit.chunk, vector)
            for k, (sentence, sentence_terms) in enumerate(self._sentences_of(hit.chunk)):
                if only is not None and k not in only:  # a list's lead, brought by an item
                    continue
                shared = wanted & sentence_terms
                # The retriever's rank, not the raw cosine, says how good the passage is.
                score = 1.0 - 0.05 * (hit.rank - 1) + 0.3 * self.weights.weight(shared) / total
                score += self.semantic * float(cosines[k]) if cosines is not None else 0.0
                if shape.figures and _FIGURE.search(sentence):
                    score += 0.3
                scored.append(Sentence(score, hit, k, sentence))
        scored.sort(key=lambda s: (-s.score, s.hit.rank, s.position))
        return scored

    def _cosines(self, chunk: Chunk, vector: np.ndarray | None) -> np.ndarray | None:
        row = self.rows.get(chunk.id)
        if vector is None or self.sentences is None or row is None or not self.semantic:
            return None
        cosines: np.ndarray = self.sentences.of(row) @ vector
        return cosines

    def _sentences_of(self, chunk: Chunk) -> list[tuple[str, set[str]]]:
        cached = self._sentences.get(chunk.id)
        if cached is None:
            cached = [(s, terms(f"{chunk.lead} {s}")) for s in chunk.answer_sentences]
            self._sentences[chunk.id] = cached
        return cached


def _best(ranked: Sequence[Sentence]) -> list[Sentence]:
    """The best MAX_SENTENCES, and the next ones while they fit in SHORT_ANSWER_CHARS."""
    chosen = list(ranked[:MAX_SENTENCES])
    length = sum(len(s.text) for s in chosen)
    for sentence in ranked[MAX_SENTENCES:MAX_SHORT_SENTENCES]:
        length += len(sentence.text)
        if length > SHORT_ANSWER_CHARS:
            break
        chosen.append(sentence)
    return chosen


def _with_antecedents(chosen: Sequence[Sentence], ranked: Sequence[Sentence]) -> list[Sentence]:
    """The chosen sentences, and before each that opens on an anaphor, the one it refers to."""
    with_them = list(chosen)
    for sentence in chosen:
        if sentence.position and _ANAPHOR.match(sentence.text):
            before = next(
                (s for s in ranked
                 if s.hit is sentence.hit and s.position == sentence.position - 1), None
            )  # fmt: skip
            if before is not None and before not in with_them:
                with_them.append(before)
    return with_them


def _at_most_one_elsewhere(ranked: Sequence[Sentence], top: Hit) -> list[Sentence]:
    """The best sentences, of which one at most from outside the top hit's section."""
    chosen: list[Sentence] = []
    elsewhere = False
    for sentence in ranked:
        if len(chosen) == MAX_SENTENCES:
            break
        if not same_section(sentence.hit, top):
            if elsewhere:
                continue
            elsewhere = True
        chosen.append(sentence)
    return chosen


def _listed(items: Sequence[Hit]) -> list[Piece]:
    """The items as bullets, after their list's lead sentence when it has one."""
    bullets = [Piece(h, h.chunk.own_text, bullet=True) for h in items]
    lead = items[0].chunk.lead
    return [Piece(items[0], lead), *bullets] if lead else bullets


def _bare(chosen: Sequence[Sentence], items: Sequence[Hit]) -> bool:
    """Every sentence chosen is of the list (its lead or an item), and its items say little."""
    key = list_key(items[0].chunk)
    return all(list_key(s.hit.chunk) == key for s in chosen) and (
        sum(len(s.text) for s in chosen if s.text not in s.hit.chunk.lead) < BARE_CHARS
    )


def _answered(pieces: Sequence[Piece], shape: Shape, question: str) -> Answer:
    """The pieces rendered; a "Yes, " or "No, " that opens one is left out unless the question
    asks for it ("what do devs need to make the jump?"), the rest of the sentence quoted as it
    stands after an ellipsis: "…software developers transition successfully by gaining...". The
    guide's words are not recased, so a fact quoted from mid-sentence still reads the same. A
    yes kept to another question than the one it answers comes after that (answer/replies.py)."""
    return render(replies(pieces, question, shape.yes_no))


def _reading_order(chosen: Sequence[Sentence]) -> list[Sentence]:  # a lead before its item
    return sorted(chosen, key=lambda s: (s.hit.rank, s.hit.chunk.position, s.position))
