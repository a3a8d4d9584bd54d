"""Which passage of another section may speak beside the first one's section."""

from __future__ import annotations

from retriever.answer import Context
from retriever.answer.elsewhere import passage_beside, same_section
from retriever.types import Hit
from tests.helpers import make_chunk


def hits(*given: tuple[str, str, str, float]) -> Context:
    return Context(tuple(
        Hit(make_chunk(cid, text, section=section), score, rank)
        for rank, (cid, text, section, score) in enumerate(given, start=1)
    ))  # fmt: skip


QUESTION = "how do I export my project as a spreadsheet?"


def test_a_close_passage_with_a_word_the_first_lacks_is_beside_it() -> None:
    context = hits(
        ("a", "Projects are saved in the workspace folder.", "Saving", 0.60),
        ("b", "Use Export to write a spreadsheet of the project.", "Export", 0.58),
        ("c", "Export a spreadsheet from the menu.", "Menus", 0.70),
    )

    def beside(reach: int, margin: float) -> list[str]:
        return [h.chunk.id for h in passage_beside(QUESTION, context, reach, margin)]

    assert beside(3, 0.03) == ["b"]  # the first that qualifies, one at most
    assert beside(3, 0.01) == ["c"]  # "b" is under the margin
    assert beside(2, 0.01) == []  # "c" is out of reach


def test_no_passage_of_the_first_ones_section_and_none_without_a_new_word() -> None:
    same = hits(
        ("a", "Projects are saved in the workspace folder.", "Saving", 0.60),
        ("b", "Export writes a spreadsheet of the project.", "Saving", 0.65),
        ("c", "Projects live in the workspace.", "Other", 0.70),
    )
    assert passage_beside(QUESTION, same, 3, 0.03) == []


def test_same_section_means_same_document_and_title() -> None:
    a, b = hits(("a", "x", "S", 0.5), ("b", "y", "S", 0.4)).hits
    assert same_section(a, b)
    other = Hit(make_chunk("c", "z", section="S", document_id="another"), 0.4, 3)
    assert not same_section(a, other)
