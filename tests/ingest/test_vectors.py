"""Each passage's token states are kept read alone and read after its section title, and `align`
reads the best of the first three passages (fake token states: one-hot per word, so a word
matches only itself)."""

from __future__ import annotations

import pytest

from ingest.vectors import embed_chunks, embedded_build
from retriever.alignment import alignment, passage_rows, question_rows
from retriever.answer.terms import TermWeights
from retriever.embedding import FakeEmbedder, ref_of
from retriever.evidence import ALIGN_DEPTH, EvidenceReader
from retriever.index import FORMAT_VERSION, Manifest
from retriever.search import Candidate
from tests.helpers import make_chunk

FAKE = FakeEmbedder(dim=512)
STEP = "Assess your programming foundation first."
TITLE = "Becoming a sourdough baker"


def test_a_passage_holds_the_subject_its_section_title_names() -> None:
    # A roadmap step names its subject nowhere but in its section's title.
    chunk = make_chunk("c1", STEP, section=TITLE, embed_text=f"{TITLE}\n{STEP}")
    _, _, tokens = embed_chunks([chunk], FAKE)
    question = question_rows(FAKE.encode_tokens(["how do I become a sourdough baker"])[1][0])
    alone = passage_rows(FAKE.encode_tokens([STEP])[1][0])
    assert alignment(question, alone) == 0.0
    assert alignment(question, tokens[0]) == pytest.approx(2 / 3)  # "become" is not "becoming"


def test_align_reads_the_best_of_the_first_three_passages() -> None:
    texts = ["Emulators run inside your computer.", "Browsers render pages.",
             "Bakers feed sourdough starters daily.", "Sourdough starters need flour."]  # fmt: skip
    chunks = [make_chunk(f"c{i}", t, embed_text=t) for i, t in enumerate(texts)]
    manifest = Manifest(
        format_version=FORMAT_VERSION, build_id="t", built_at="", model=ref_of(FAKE),
        max_chunk_tokens=0, documents=(), chunk_count=len(chunks),
    )  # fmt: skip
    reader = EvidenceReader(embedded_build(manifest, chunks, FAKE), TermWeights(chunks))
    question = "do bakers feed sourdough starters"
    vectors, tokens = FAKE.encode_tokens([question])
    rows = question_rows(tokens[0])

    def align(order: list[int]) -> float:
        pool = [Candidate(i, 0.5 - 0.1 * rank) for rank, i in enumerate(order)]
        return reader.read(pool, vectors[0], rows, question, question)["align"]

    assert ALIGN_DEPTH == 3
    assert align([2, 0, 1, 3]) == pytest.approx(1.0)  # the first holds it all
    assert align([0, 1, 2, 3]) == pytest.approx(1.0)  # another guide's passage ranks first
    assert align([0, 1, 3, 2]) == pytest.approx(0.5)  # only the fourth holds it all
