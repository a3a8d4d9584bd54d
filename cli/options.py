"""Options several commands share; each falls back to its GUIDE_RAG_* variable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from retriever.limits import MAX_K

IndexDir = Annotated[
    Path | None, typer.Option("--index-dir", help="Index directory (env GUIDE_RAG_INDEX_DIR).")
]
Model = Annotated[
    str | None,
    typer.Option("--model", help="sentence-transformers name or path (GUIDE_RAG_MODEL)."),
]
EvalDir = Annotated[
    Path | None,
    typer.Option("--eval-dir", help="Eval set folder (GUIDE_RAG_EVAL_DIR, default corpus/eval)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]
Documents = Annotated[
    list[str] | None,
    typer.Option(
        "--document",
        "-d",
        help="Only this guide, by id (repeat for several); an unknown id's error lists them.",
    ),
]
TopK = Annotated[int, typer.Option("--top-k", "-k", min=1, max=MAX_K, help="Passages to cite.")]
