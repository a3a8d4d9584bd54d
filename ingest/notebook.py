"""Jupyter notebooks (.ipynb): a tutorial's prose is its Markdown cells, read in order as one
Markdown guide (`ingest.markdown`); code cells and their outputs are left out, as code is in
every format. nbformat 4 (Jupyter since 2015) and 3 (cells inside worksheets) are read.
"""

from __future__ import annotations

import json
from typing import Any

from ingest.budgets import Guard
from ingest.errors import CorpusError
from ingest.markdown import parse_markdown
from ingest.structure import Block


def parse_notebook(text: str, guard: Guard) -> list[Block]:
    """The blocks of the notebook's Markdown cells; CorpusError for a file that is not one."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"{guard.name}: not a Jupyter notebook (JSON: {exc.msg} at line {exc.lineno})"
        ) from exc
    except RecursionError as exc:  # arrays nested deeper than Python's stack: no notebook is
        raise CorpusError(f"{guard.name}: not a Jupyter notebook (JSON nested too deep)") from exc
    cells = _cells(notebook)
    if cells is None:
        raise CorpusError(f"{guard.name}: not a Jupyter notebook (no list of cells)")
    prose: list[str] = []
    for cell in cells:
        guard.tick()
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            # A cell's text is a string or, as Jupyter saves it, a list of its lines.
            lines = source if isinstance(source, list) else [source]
            prose.append("".join(line for line in lines if isinstance(line, str)))
    # A blank line between cells: each cell is its own block, as Jupyter renders it.
    return parse_markdown("\n\n".join(prose), guard)


def _cells(notebook: Any) -> list[Any] | None:
    if not isinstance(notebook, dict):
        return None
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):  # nbformat 3
        cells = [c for w in notebook["worksheets"] if isinstance(w, dict)
                 for c in w.get("cells", []) or []]  # fmt: skip
    return cells if isinstance(cells, list) else None
