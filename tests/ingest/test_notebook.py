"""Jupyter notebooks: their Markdown cells are the guide; code and outputs are not prose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import CorpusError
from ingest.loaders import load_document

INTRO = "Clean the table before you plot it: a wrong type breaks every chart after it."


def _notebook(path: Path, cells: list[dict[str, object]], nbformat: int = 4) -> Path:
    body = {"cells": cells} if nbformat == 4 else {"worksheets": [{"cells": cells}]}
    path.write_text(json.dumps({**body, "nbformat": nbformat, "metadata": {}}), encoding="utf-8")
    return path


def _markdown(source: str | list[str]) -> dict[str, object]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


CODE = {
    "cell_type": "code",
    "source": ["import pandas as pd\n", "df = pd.read_csv('cities.csv')"],
    "outputs": [{"output_type": "stream", "text": ["Loaded 10 rows of cities\n"]}],
}


def test_markdown_cells_are_the_guide_and_code_is_left_out(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path / "cleaning-data.ipynb",
        [
            _markdown("# Cleaning data\n\n" + INTRO),
            CODE,
            # Jupyter saves a cell's text as a list of its lines.
            _markdown(
                [
                    "## Types\n",
                    "\n",
                    "Set each column's type:\n",
                    "- numbers as numbers\n",
                    "- dates as dates",
                ]
            ),
        ],
    )
    doc = load_document(path)
    assert doc.title == "Cleaning data"
    units = {s.title: [(u.kind, u.text) for u in s.units] for s in doc.sections}
    assert units["Cleaning data"] == [("paragraph", INTRO)]
    assert [text for _, text in units["Types"]][-2:] == ["numbers as numbers", "dates as dates"]
    texts = " ".join(u.text for s in doc.sections for u in s.units)
    assert "pandas" not in texts and "Loaded 10 rows" not in texts


def test_an_older_notebook_keeps_its_cells_in_worksheets(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "old.ipynb", [_markdown("# Old\n\n" + INTRO)], nbformat=3)
    assert [u.text for s in load_document(path).sections for u in s.units] == [INTRO]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", r"not a Jupyter notebook \(JSON: .* at line 1\)"),
        ('{"metadata": {}}', r"not a Jupyter notebook \(no list of cells\)"),
        ("[" * 100_000 + "]" * 100_000, r"not a Jupyter notebook \(JSON nested too deep\)"),
        (json.dumps({"cells": [CODE]}), r"no text to index"),
    ],
)
def test_a_file_that_is_no_notebook_or_holds_no_prose_is_refused_in_one_line(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"broken\.ipynb: .*{reason}|{reason}"):
        load_document(path)
