"""Questions that ask for a section by its title (retriever/titles.py)."""

from __future__ import annotations

import pytest

from retriever.titles import Titles
from tests.helpers import make_chunk

TITLES = Titles(
    [
        make_chunk("c1", "Learn both.", section="Key takeaways"),
        make_chunk("c2", "Step one.", section="A practical roadmap to get started"),
        make_chunk("c3", "Step two.", section="A practical roadmap to get started"),
    ]
)


@pytest.mark.parametrize(
    ("question", "sections"),
    [
        ("What are the key takeaways of this guide?", {"Key takeaways"}),
        ("summarize the roadmap", {"A practical roadmap to get started"}),
        ("takeaways?", {"Key takeaways"}),
        # A word the title lacks asks about something else, which the judge decides.
        ("what does the roadmap say about networking?", set()),
        ("what is a key?", set()),  # only words that ask for a section: none named
        ("the guide?", set()),
    ],
)  # fmt: skip
def test_a_section_is_named_by_its_title_words(question: str, sections: set[str]) -> None:
    assert TITLES.named(question) == sections
