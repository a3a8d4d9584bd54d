"""`guide-rag bundle`: the published index and its model as one artifact for replicas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.edge import settings
from cli.options import AsJson, IndexDir


def bundle(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Where to write it: a new folder, or a .tar when the name ends in .tar."
        ),
    ],
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Write the published index and the serving model it names, with every file's checksum,
    as one bundle that `guide-rag serve --bundle` serves with nothing else on disk."""
    from ingest.bundle import write_bundle

    s = settings(index_dir=index_dir)
    report = write_bundle(s.paths.index, s.paths.models, out.expanduser().resolve())
    if as_json:
        render.print_json(report.to_dict())
    else:
        render.bundle_report(report)
