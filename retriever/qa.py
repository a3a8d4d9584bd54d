"""Question answering over one loaded build: check → follow-up? → embed → search → abstain? →
shape → widen → compose.

Each step runs once per question, in that order. The parts (searcher, widening, composer) are
given whole, so an evaluation variant is a QA built from other parts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retriever.abstention import ABSTAIN_DEPTH, Abstention, Calibration
from retriever.alignment import question_rows
from retriever.answer import Composer, TermWeights, WholeLists, Widener, abstain, shape_of
from retriever.embedding import Embedder, open_embedder
from retriever.embedding.batching import MicroBatching
from retriever.errors import InvalidQueryError
from retriever.evidence import Evidence, EvidenceReader
from retriever.followup import Reader, Reading
from retriever.index import IndexBuild, check_model, load_index
from retriever.limits import Backend, Mode, check_history, check_query
from retriever.memo import Memo
from retriever.more import asks_more, continued, more_of
from retriever.outline import Asked, Outline
from retriever.search import Candidate, Keep, Query, Searcher, searcher_for
from retriever.smalltalk import reply, social
from retriever.summary import asks_summary
from retriever.titles import Titles
from retriever.types import Answer, Hit
from retriever.unstated import unstated

Whole = tuple[tuple[Asked, str | None] | None, bool, frozenset[str]]
QUERY_CACHE = 1024  # questions remembered: vector 1.5 KB, and 0.75 KB per content word (float16)
# Used when neither GUIDE_RAG_MIN_SCORE nor the build's calibration gives a threshold. Measured:
# the threshold fitted on the shipped guide's dev split with all-MiniLM-L6-v2 (docs/abstention.md).
FALLBACK_MIN_SCORE = 0.20
FALLBACK_SOURCE = (
    "fallback: the best cosine, fitted on the shipped guide's dev split (all-MiniLM-L6-v2); "
    "`guide-rag tune` calibrates a judge"
)


@dataclass(frozen=True, slots=True)
class Encoded:
    """A question as the model read it: its vector and its content words' token states, kept
    at float16, the precision the index keeps a passage's at: they were most of the memo (25 of
    28 MB with 2,048 questions), and no answer or abstention of the eval sets moves."""

    vector: np.ndarray
    rows: np.ndarray  # float16

    def states(self) -> np.ndarray:
        return self.rows.astype(np.float32)


@dataclass(frozen=True, slots=True, kw_only=True)
class Serving:
    """Where a QA finds its index and models, and how it serves them."""

    index_dir: Path
    models_dir: Path
    retriever: Mode = "dense"
    min_score: float | None = None  # overrides the build's calibrated cosine threshold
    backend: Backend = "onnx"
    threads: int = 1
    micro_batch: int = 1  # questions of concurrent requests per model call, at most


class QA:
    def __init__(
        self,
        build: IndexBuild,
        embedder: Embedder,
        abstention: Abstention,
        *,
        searcher: Searcher,
        widener: Widener,
        composer: Composer,
    ) -> None:
        self.build = build
        self.embedder = embedder
        self.abstention = abstention
        self.searcher = searcher
        self.widener = widener
        self.composer = composer
        self.documents = frozenset(d.id for d in build.manifest.documents)
        # People ask the same questions again; the model call is most of a request's time.
        self._encoded: Memo[str, Encoded] = Memo(QUERY_CACHE, self._encode)
        self.reader = Reader(composer.weights, self._vectors, self._items, build.chunks)
        self.evidence = EvidenceReader(build, composer.weights)
        self.titles = Titles(build.chunks)
        self.outline = Outline(build.chunks)

    @classmethod
    def assemble(
        cls, build: IndexBuild, embedder: Embedder, abstention: Abstention, mode: Mode = "dense"
    ) -> QA:
        """The parts served over `build`; evaluation composes its variants from other parts."""
        weights = TermWeights(build.chunks)
        return cls(
            build,
            embedder,
            abstention,
            searcher=searcher_for(mode, build),
            widener=WholeLists(build.chunks, weights),
            composer=Composer(weights, floor_of(abstention), build.chunks, build.sentences),
        )

    @classmethod
    def load(cls, serving: Serving, embedder: Embedder | None = None) -> QA:
        """Load the published index and the model it names; `embedder` (the same model, already
        loaded) saves loading it again."""
        build = load_index(serving.index_dir)
        ref = build.manifest.model
        if embedder is None or embedder.fingerprint != ref.fingerprint:
            embedder = open_embedder(
                ref, serving.models_dir, backend=serving.backend, threads=serving.threads
            )
            if serving.micro_batch > 1:
                slots = max(1, (os.cpu_count() or 1) // serving.threads)
                embedder = MicroBatching(embedder, slots=slots, max_batch=serving.micro_batch)
        check_model(build, embedder)
        abstention = abstention_for(serving, build, embedder)
        return cls.assemble(build, embedder, abstention, serving.retriever)

    def search(
        self,
        question: str,
        k: int = 5,
        documents: Sequence[str] | None = None,
        history: Sequence[str] = (),
    ) -> list[Hit]:
        """Ranked hits; `score` is always the (mean) cosine similarity, whatever ranked them."""
        reading = self._asked(check_query(question, k), history)
        keep = self.keep(documents)
        return self._hits(self.searcher.search(self.query(reading.text), k, keep))

    def ask(
        self,
        question: str,
        k: int = 5,
        documents: Sequence[str] | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        """A cited answer; `history` holds the chat's earlier user questions, oldest first."""
        asked = check_history(check_query(question, k), history)
        keep = self.keep(documents)
        earlier = _leaned_on(history)
        base = continued(asked, earlier)
        # "tell me more" with nothing asked before it is a request for help, as "hi" is social.
        kind = "help" if base is None and asks_more(asked) else social(asked)
        if kind is not None:
            # "hi", "thanks!": what the assistant is, about the guides it may answer from.
            served = self.build.manifest.documents
            return reply(kind, [d.title for d in served if not documents or d.id in documents])
        if base is None:
            return self._answer(self.reader.read(asked, earlier), k, keep)
        # "tell me more": that question's next passages (retriever/more.py)
        first = self.reader.read(earlier[base], earlier[:base])
        whole = any(self._whole(first, keep))  # a section or the outline has no more
        return more_of(lambda kept: self._answer(first, k, kept), self.build.chunks, keep,
                       len(earlier) - base, earlier[base], whole)  # fmt: skip

    def _whole(self, reading: Reading, keep: Keep | None) -> Whole:
        """What answers a reading whole, if anything: the outline it asks for, whether it asks
        for the guide's summary ("tl;dr": the section that sums the guide up), the sections
        it names by their title."""
        outlined = self.outline.asked(reading.text) if reading.form == "alone" else None
        summary = asks_summary(reading.focus)
        named = self.titles.summing_up(keep) if summary else self.titles.named(reading.focus)
        return outlined, summary, named

    def _answer(self, reading: Reading, k: int, keep: Keep | None) -> Answer:
        question = reading.text
        # BM25 needs only the words, and search and evidence both read it (cached): scored
        # before the model call, not after it, it runs while the CPU's caches still hold its
        # data, not the model's weights (0.2 ms of a 8.3 ms question, measured in-process).
        self.build.lexical.scores(question)
        query = self.query(question)

        def score(i: int) -> float:
            return self.build.dense.score(query.vector, i)

        alone = reading.form == "alone"
        outlined, summary, named = self._whole(reading, keep)
        if outlined or (alone and summary and not named):
            # "What does this guide cover?" (or a summary of one that has no summary section):
            # its headings, which no passage's text says.
            return self.outline.answer(keep, score, *(outlined or ("sections", None)))
        pool = self.searcher.search(query, max(k, ABSTAIN_DEPTH), keep)
        evidence = self._evidence(pool, reading)
        if named:
            # "What are the key takeaways?", "tl;dr": that section's passages answer, whatever
            # ranks first.
            pool = self.titles.first(named, pool, score, keep, bring=summary)
        # Nothing retrieved (BM25 knows no word of it) is out of scope at any threshold; a
        # question that asks for a section by its title is in scope; one that asks how long or
        # how much, of passages that say neither, is not answered by them.
        said = (self.build.chunks[c.index].text for c in pool[:3])
        refused = self.abstention.abstains(evidence) or unstated(question, said)
        if not pool or (refused and not named):
            return replace(abstain(), read_with=reading.read_with)
        hits = self._hits(pool[:k])
        shape = shape_of(question, named)
        context = self.widener.widen(question, shape, hits, score, keep)
        answer = self.composer.compose(question, shape, replace(context, vector=query.vector))
        return replace(answer, read_with=reading.read_with)

    def judge(self, question: str, history: Sequence[str] = ()) -> Evidence:
        """What abstention weighs for a question (what the judge is trained and calibrated on),
        read as `ask` reads it, whatever `documents` it is filtered to."""
        reading = self._asked(check_query(question, ABSTAIN_DEPTH), history)
        pool = self.searcher.search(self.query(reading.text), ABSTAIN_DEPTH, None)
        return self._evidence(pool, reading)

    def warm_up(self) -> None:
        """Open the model's session and count the guides' pairs now, not on the first question."""
        self.embedder.encode(["warm up"])
        self.reader.subjects.prepare()

    def query(self, question: str) -> Query:
        return Query(question, self._encoded.get(question).vector)

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text; those not remembered embedded in one model call."""
        return np.stack([e.vector for e in self._encoded.many(texts)])

    def _evidence(self, pool: list[Candidate], reading: Reading) -> Evidence:
        # A follow-up's own words are aligned beside the question it was read as: "and in
        # London?" must find London (dev conversations: docs/abstention.md).
        encoded = self._encoded.get(reading.text)
        rows = encoded.states()
        if reading.focus and reading.focus != reading.text:
            rows = np.concatenate([self._encoded.get(reading.focus).states(), rows])
        return self.evidence.read(pool, encoded.vector, rows, reading.text, reading.focus)

    def _asked(self, question: str, history: Sequence[str]) -> Reading:
        return self.reader.read(check_history(question, history), _leaned_on(history))

    def _items(self, earlier: Reading) -> list[str]:
        """The items (or sentences) of the answer to an earlier question, in order."""
        answer = self._answer(earlier, 5, None)
        bullets = [p.text for p in answer.parts if p.bullet]
        # A question the guide asks before its answer ("Can I switch? Yes, …") is not a point.
        return bullets or [p.text for p in answer.parts if not p.text.rstrip().endswith("?")]

    def _encode(self, texts: list[str]) -> list[Encoded]:
        vectors, tokens = self.embedder.encode_tokens(texts)
        vectors.setflags(write=False)  # shared by every caller of the memo
        return [Encoded(v, question_rows(t).astype(np.float16))
                for v, t in zip(vectors, tokens, strict=True)]  # fmt: skip

    def _hits(self, ranked: Sequence[Candidate]) -> list[Hit]:
        chunks = self.build.chunks
        return [Hit(chunks[c.index], c.cosine, rank) for rank, c in enumerate(ranked, start=1)]

    def keep(self, documents: Sequence[str] | None) -> Keep | None:
        """The document filter; InvalidQueryError naming any id the index does not hold."""
        if not documents:
            return None
        unknown = [d for d in documents if d not in self.documents]
        if unknown:
            raise InvalidQueryError(
                "documents",
                f"unknown document id {', '.join(map(repr, unknown))}; known: "
                + ", ".join(sorted(self.documents)),
            )
        only = frozenset(documents)
        chunks = self.build.chunks
        return lambda i: chunks[i].document_id in only


def _leaned_on(history: Sequence[str]) -> list[str]:
    """The earlier turns a question may lean on: none empty, none only social ("thanks!")."""
    return [t for t in history if t.strip() and social(t) is None]


def abstention_from(calibration: Calibration | None) -> Abstention:
    """The rule a calibration records, or the measured fallback when there is none."""
    if calibration is None:
        return Abstention(FALLBACK_MIN_SCORE, FALLBACK_SOURCE)
    return Abstention.of(calibration)


def abstention_for(serving: Serving, build: IndexBuild, embedder: Embedder) -> Abstention:
    """The build's calibration (else the measured fallback); GUIDE_RAG_MIN_SCORE replaces it
    with a threshold on the best cosine."""
    if serving.min_score is not None:
        return Abstention(serving.min_score, "GUIDE_RAG_MIN_SCORE (the best cosine)")
    return abstention_from(build.manifest.calibration)


def floor_of(abstention: Abstention) -> float:
    """The cosine under which a hit is not cited: the abstention's own, when it is a cosine."""
    return abstention.threshold if abstention.judge is None else FALLBACK_MIN_SCORE
