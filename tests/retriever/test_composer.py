"""The composer's pure logic on hand-made hits (no model, no index)."""

from __future__ import annotations

from retriever.composer import ABSTAIN_TEXT, Composer, render_text, shape_of
from retriever.types import AnswerPart, Chunk, Hit


def chunk(
    cid: str, text: str, kind: str = "paragraph", section: str = "S", position: int = 0
) -> Chunk:
    return Chunk(cid, "doc", "Doc", section, position, kind, text, (0, len(text)), "doc.txt")


def hits(*pairs: tuple[Chunk, float]) -> list[Hit]:
    return [Hit(c, s, rank) for rank, (c, s) in enumerate(pairs, start=1)]


def test_abstains_below_the_threshold_and_with_no_hits() -> None:
    composer = Composer(min_score=0.5)
    for given in ([], hits((chunk("a", "Anything at all."), 0.49))):
        answer = composer.compose("question?", given)
        assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == ()


def test_cites_in_order_of_first_use_and_drops_far_weaker_hits() -> None:
    a = chunk("a", "Salaries start at $90,000. Offices are open plan.")
    b = chunk("b", "Senior engineers earn $150,000.", position=1)
    c = chunk("c", "Completely unrelated words here.", position=2)
    answer = Composer(min_score=0.3, margin=0.15).compose(
        "What do engineers earn?", hits((a, 0.8), (b, 0.75), (c, 0.5))
    )
    assert [cit.chunk_id for cit in answer.citations] == ["a", "b"]
    assert [cit.n for cit in answer.citations] == [1, 2]
    assert "Salaries start at $90,000. [1]" in answer.text
    assert "Senior engineers earn $150,000. [2]" in answer.text
    assert "unrelated" not in answer.text


def test_top_hit_always_contributes() -> None:
    top = chunk("top", "Short.")
    other = chunk(
        "o", "Engineers earn money. Engineers earn more money. Engineers earn lots.", position=1
    )
    answer = Composer(min_score=0.1).compose(
        "engineers earn money", hits((top, 0.9), (other, 0.89))
    )
    assert any(c.chunk_id == "top" for c in answer.citations)


def test_top_ranked_hit_speaks_even_with_a_lower_cosine() -> None:
    # Fusion ranked it first on its words; a higher cosine further down must not silence it.
    top = chunk("top", "Members get tutorials and feedback on projects.")
    other = chunk("o", "Network through communities and conferences.", position=1)
    answer = Composer(min_score=0.2).compose(
        "what do members of the community get", hits((top, 0.17), (other, 0.23))
    )
    assert not answer.abstained
    assert answer.citations[0].chunk_id == "top"


def test_whole_list_with_its_intro() -> None:
    lead = "Paths often lead to:"
    items = [chunk(f"i{n}", f"{lead}\n- Item {n}", "list_item", position=n) for n in range(3)]
    answer = Composer(min_score=0.1).compose(
        "Which paths are there?", hits((items[2], 0.8), (items[0], 0.79), (items[1], 0.78))
    )
    assert answer.text == "Paths often lead to:\n- Item 0 [1]\n- Item 1 [2]\n- Item 2 [3]"


def test_question_shapes() -> None:
    assert shape_of("AI vs ML salary").comparison and shape_of("AI vs ML salary").figures
    assert shape_of("Which tools do ML engineers use?").listing
    assert not shape_of("Is a degree required?").figures


def test_render_text_markers() -> None:
    parts = [AnswerPart("One.", 1), AnswerPart("Two.", 2)]
    assert render_text(parts) == "One. [1] Two. [2]"
