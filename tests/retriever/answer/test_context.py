"""Context widening on hand-made chunks: whole lists, named table rows, the document filter."""

from __future__ import annotations

from retriever.answer import RetrievedOnly, TermWeights, WholeLists, shape_of
from retriever.types import Chunk, Hit
from tests.helpers import make_chunk

LEAD = "Paths lead to:"


def chunk(cid: str, text: str, kind: str, position: int, lead: str = "", doc: str = "d") -> Chunk:
    return make_chunk(cid, text, document_id=doc, position=position, kind=kind, lead=lead)


CHUNKS = [
    chunk("p", "Intro paragraph about careers.", "paragraph", 0),
    *(chunk(f"i{n}", f"{LEAD}\n- Path {n}", "list_item", n + 1, LEAD) for n in range(3)),
    chunk("r1", "Mathematics — AI: basic; ML: advanced", "table_row", 4),
    chunk("r2", "Programming — AI: Python; ML: Python, R", "table_row", 5),
    chunk("r3", "Communication — AI: stakeholders; ML: scientists", "table_row", 6, doc="e"),
]


def score(i: int) -> float:
    return 0.5 - i / 100


def test_a_list_question_gets_every_item_of_the_top_hits_list() -> None:
    widener = WholeLists(CHUNKS, TermWeights(CHUNKS))
    hits = [Hit(CHUNKS[2], 0.8, 1), Hit(CHUNKS[0], 0.7, 2)]
    ctx = widener.widen(
        "which paths are there", shape_of("which paths are there"), hits, score, None
    )
    assert [h.chunk.id for h in ctx.hits] == ["i1", "p", "i0", "i2"]
    assert [h.rank for h in ctx.hits] == [1, 2, 3, 4]
    assert [h.chunk.id for h in ctx.list_of(ctx.top)] == ["i0", "i1", "i2"]


def test_a_comparison_gets_the_rows_it_names_within_the_filter() -> None:
    widener = WholeLists(CHUNKS, TermWeights(CHUNKS))
    question = "math vs communication for ai or ml"
    hits = [Hit(CHUNKS[0], 0.8, 1)]
    ctx = widener.widen(question, shape_of(question), hits, score, None)
    assert {h.chunk.id for h in ctx.named_rows} == {"r1", "r3"}
    only_d = widener.widen(
        question, shape_of(question), hits, score, lambda i: CHUNKS[i].document_id == "d"
    )
    assert {h.chunk.id for h in only_d.named_rows} == {"r1"}


def test_retrieved_only_adds_nothing_but_still_names_rows() -> None:
    question = "math vs programming"
    hits = [Hit(CHUNKS[5], 0.8, 1), Hit(CHUNKS[0], 0.7, 2)]
    ctx = RetrievedOnly(TermWeights(CHUNKS)).widen(question, shape_of(question), hits, score, None)
    assert [h.chunk.id for h in ctx.hits] == ["r2", "p"]
    assert [h.chunk.id for h in ctx.named_rows] == ["r2"]


TAKEAWAYS = [
    make_chunk(f"t{n}", f"Point {n} — Details: takeaway number {n}.", section="Key takeaways",
               position=10 + n, kind="table_row")
    for n in range(4)
]  # fmt: skip
STEPS_LEAD = "Do this:"
MIXED = [
    make_chunk("m0", "Some intro prose.", section="Steps", position=20),
    *(make_chunk(f"m{n}", f"{STEPS_LEAD}\n- Step {n}", section="Steps", position=20 + n,
                 kind="list_item", lead=STEPS_LEAD) for n in (1, 2))
]  # fmt: skip


def test_a_table_section_asked_for_by_its_title_is_given_whole_in_reading_order() -> None:
    chunks = [*CHUNKS, *TAKEAWAYS]
    widener = WholeLists(chunks, TermWeights(chunks))
    question = "what are the key takeaways?"
    hits = [Hit(TAKEAWAYS[3], 0.6, 1), Hit(TAKEAWAYS[1], 0.5, 2), Hit(CHUNKS[0], 0.4, 3)]
    named = shape_of(question, frozenset({"Key takeaways"}))
    ctx = widener.widen(question, named, hits, score, None)
    assert [h.chunk.id for h in ctx.section] == ["t0", "t1", "t2", "t3"]
    # What retrieval ranked keeps its rank and score; the rest of the section is added after.
    assert [(h.rank, h.score) for h in ctx.section[1::2]] == [(2, 0.5), (1, 0.6)]
    assert {h.rank for h in ctx.section[::2]} == {4, 5}
    not_named = widener.widen(question, shape_of(question), hits, score, None)
    assert not_named.section == ()


def test_a_section_that_is_not_one_list_or_table_is_not_given_whole() -> None:
    chunks = [*CHUNKS, *MIXED]
    widener = WholeLists(chunks, TermWeights(chunks))
    hits = [Hit(MIXED[1], 0.6, 1)]
    named = shape_of("steps", frozenset({"Steps"}))
    ctx = widener.widen("steps", named, hits, score, None)
    assert ctx.section == ()
    items = MIXED[1:]
    whole = WholeLists(items, TermWeights(items)).widen("steps", named, hits, score, None)
    assert [h.chunk.id for h in whole.section] == ["m1", "m2"]
