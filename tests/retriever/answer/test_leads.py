"""A list's lead speaks for every item of it (no model, no index)."""

from __future__ import annotations

from dataclasses import replace

from retriever.answer import Composer, Context, TermWeights, shape_of
from retriever.answer.leads import lead_carriers
from retriever.answer.sentences import sentence_spans
from retriever.types import Chunk, Hit
from tests.helpers import make_chunk

LEAD = (
    "It is generally better to have a real device running the browser you want to test. This "
    "gives the greatest accuracy. You will probably want something like the following:"
)
DEVICES = ["A Mac with the browsers you test.", "A Windows PC with the browsers you test."]


def listed(lead: str, items: list[str], section: str = "Devices") -> list[Chunk]:
    """A list as ingest chunks it: the lead in every item's text, quotable in the first's."""
    chunks = []
    for n, item in enumerate(items):
        c = make_chunk(f"{section}{n}", f"{lead}\n- {item}", kind="list_item", position=n,
                       lead=lead, section=section)  # fmt: skip
        if n == 0:
            c = replace(c, sentences=sentence_spans(c.kind, c.text, c.own_text, lead))
        chunks.append(c)
    return chunks


def test_each_later_item_brings_its_lists_first_with_the_leads_sentences_that_say_something() -> (
    None
):
    first, second = listed(LEAD, DEVICES)
    carriers = lead_carriers([first, second])
    [(brought, offered)] = carriers.of([Hit(second, 0.5, 2)])
    assert (brought.chunk, brought.score, brought.rank) == (first, 0.5, 2)
    said = [first.answer_sentences[k] for k in sorted(offered)]
    assert said == ["It is generally better to have a real device running the browser you want "
                    "to test.", "This gives the greatest accuracy."]  # fmt: skip
    assert carriers.of([Hit(first, 0.5, 1), Hit(second, 0.4, 2)]) == []  # the first says it
    assert carriers.of([Hit(first, 0.5, 1)]) == []


def test_a_list_whose_lead_only_introduces_brings_nothing() -> None:
    chunks = listed("Such devices include:", DEVICES)
    assert lead_carriers(chunks).of([Hit(chunks[1], 0.5, 1)]) == []


def test_the_lead_of_a_retrieved_items_list_answers_and_cites_the_item_that_holds_it() -> None:
    first, second = listed(LEAD, DEVICES)
    emulators = make_chunk(
        "e", "Emulators are programs that run inside your computer and mimic a device.",
        section="Devices",
    )  # fmt: skip
    hits = (Hit(emulators, 0.53, 1), Hit(second, 0.52, 2))
    question = "Real device or emulator: which gives the greatest accuracy?"
    chunks = [emulators, first, second]
    served = Composer(TermWeights(chunks), 0.1, chunks)
    answer = served.compose(question, shape_of(question), Context(hits))
    assert "This gives the greatest accuracy. [2] A Windows PC" in answer.text  # lead, then item
    assert [c.chunk_id for c in answer.citations] == ["e", "Devices0", "Devices1"]
    alone = Composer(TermWeights(chunks), 0.1)  # no chunks known: no list to bring the lead of
    assert "accuracy" not in alone.compose(question, shape_of(question), Context(hits)).text
