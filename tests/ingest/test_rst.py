"""reStructuredText guides, Sphinx-flavoured as handbooks are: read for what a reader sees, never
beyond the file, and refused in one line when docutils could run away."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.budgets import Budgets, OverBudget
from ingest.discovery import GUIDE_SUFFIXES
from ingest.errors import CorpusError
from ingest.loaders import load_document
from ingest.rst import parse_rst
from ingest.structure import Block

HANDBOOK = """\
.. _review-guide:

==================
Reviewing changes
==================

.. highlight:: bash

.. toctree::
   :maxdepth: 2

   setup
   triage

Who reviews
===========

Every change is reviewed by a maintainer, see :ref:`the triage page <triage>` and
:ref:`good-prs`. Style follows :pep:`8`. Run :command:`make check` first.

.. note::
   Reviews take up to five working days.

.. versionadded:: 3.2
   Reviews by two maintainers for security fixes.

.. tab:: Unix

   Run the checker from a terminal.

* Open a pull request.
* Ask for a review in the |channel|.

Timing
------

.. list-table::
   :header-rows: 1

   * - Change
     - Days
   * - Typo fix
     - 1
   * - New feature
     - 5

.. code-block:: python

   print("not prose")

A `missing target`_ keeps its words; an undefined |draft| substitution does not.

.. |channel| replace:: reviewers' chat channel
"""


def _blocks(text: str) -> list[Block]:
    return parse_rst(text, Budgets().start("handbook.rst"))


def test_a_sphinx_handbook_reads_as_a_reader_sees_it() -> None:
    blocks = _blocks(HANDBOOK)
    said = [(b.kind, b.text) for b in blocks]
    assert said[0] == ("heading", "Reviewing changes")
    assert ("heading", "Who reviews") in said and ("heading", "Timing") in said
    text = "\n".join(b.text for b in blocks)
    assert "see the triage page and good prs." in text  # Sphinx's :ref:, titled or bare
    assert "Style follows PEP 8." in text  # docutils' own role
    assert "Run make check first." in text  # a role docutils does not know: its text
    assert "Reviews take up to five working days." in text  # an admonition
    assert "Reviews by two maintainers for security fixes." in text  # an unknown directive
    assert "Run the checker from a terminal." in text
    assert ("list_item", "Ask for a review in the reviewers' chat channel.") in said
    rows = [b.cells for b in blocks if b.kind == "table_row"]
    assert rows == [("Change", "Days"), ("Typo fix", "1"), ("New feature", "5")]
    assert "A missing target keeps its words; an undefined substitution does not." in text
    for site in ("not prose", "maxdepth", "setup", "highlight", "Unknown", "draft", "System"):
        assert site not in text


def test_nothing_beyond_the_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("THE-SECRET-WORD", encoding="utf-8")
    text = (
        "Title\n=====\n\nA paragraph.\n\n"
        f".. include:: {secret}\n\n"
        f".. raw:: html\n   :file: {secret}\n\n"
        f".. csv-table:: Data\n   :file: {secret}\n\n"
        f".. literalinclude:: {secret}\n"
    )
    blocks = _blocks(text)
    assert [b.text for b in blocks] == ["Title", "A paragraph."]


def test_substitutions_that_expand_past_the_budget_are_refused_before_docutils_runs() -> None:
    bomb = ".. |pay| replace:: " + "salary " * 1_000 + "\n\n" + "|pay| " * 100
    with pytest.raises(OverBudget) as refused:
        parse_rst(f"Pay\n===\n\n{bomb}", Budgets(guide_chars=500_000).start("bomb.rst"))
    said = str(refused.value)
    assert said.startswith("bomb.rst: its substitutions expand to 700,")
    assert said.endswith(" characters, over the budget of 500,000 (GUIDE_RAG_MAX_GUIDE_CHARS)")
    nested = (
        ".. |a| replace:: " + "x " * 400 + "\n.. |b| replace:: " + "|a| " * 50
        + "\n\n" + "|b| " * 10
    )  # fmt: skip
    with pytest.raises(OverBudget):
        parse_rst(f"T\n=\n\n{nested}", Budgets(guide_chars=200_000).start("nested.rst"))


@pytest.mark.parametrize(
    "deep",
    [
        "".join("  " * depth + f"- item {depth}\n\n" for depth in range(300)),
        "".join(f".. |s{n}| replace:: |s{n + 1}|\n" for n in range(5000)) + "\nText |s0|.\n",
    ],
    ids=["nested lists", "a chain of substitutions"],
)
def test_markup_nested_past_the_stack_is_one_line(deep: str) -> None:
    with pytest.raises(CorpusError) as refused:
        parse_rst(deep, Budgets().start("deep.rst"))
    assert str(refused.value) == (
        "deep.rst: its markup nests deeper than can be read; flatten its indentation"
    )


def test_markup_far_over_the_budget_is_not_given_to_docutils() -> None:
    with pytest.raises(OverBudget) as refused:
        parse_rst("word " * 1_000, Budgets(guide_chars=1_000).start("long.rst"))
    assert "5,000 characters of markup" in str(refused.value)


def test_an_rst_file_is_a_guide(tmp_path: Path) -> None:
    assert ".rst" in GUIDE_SUFFIXES
    path = tmp_path / "review_guide.rst"
    path.write_text(HANDBOOK, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Reviewing changes"
    assert [s.title for s in doc.sections] == ["Who reviews", "Timing"]
