"""How much one guide may cost: bytes unpacked, text, sections, chunks, PDF pages, seconds.

A file-size cap alone does not bound ingest: 1 MB of zip unpacks to 1 GB, 4 KB of repeated
paragraphs becomes 30,000 chunks. Each budget is checked while the guide is read, so a guide
over one stops itself and is skipped with a line naming the budget, the value it reached and
the `GUIDE_RAG_*` setting that raises it. Only the settings read the environment; this module
gets the numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from config.settings import Settings
from ingest.errors import CorpusError
from ingest.structure import Block

# The setting that raises each budget, named in every refusal.
SETTINGS = {
    "part_bytes": "GUIDE_RAG_MAX_PART_BYTES",
    "guide_chars": "GUIDE_RAG_MAX_GUIDE_CHARS",
    "sections": "GUIDE_RAG_MAX_SECTIONS",
    "chunks": "GUIDE_RAG_MAX_CHUNKS",
    "pdf_pages": "GUIDE_RAG_MAX_PDF_PAGES",
    "pdf_shapes": "GUIDE_RAG_MAX_PDF_SHAPES",
    "file_seconds": "GUIDE_RAG_FILE_SECONDS",
}


@dataclass(frozen=True, slots=True)
class Budgets:
    """Per-guide limits. Each default is 6-12x what the largest of 13 real guides needs
    (docs/cli.md, "Ingest budgets"); the PDF and .docx ones also keep one hostile file's peak
    RSS under 1 GB, where pdfplumber holds ~2.5 KB per character of a page and ~8 KB per shape,
    and python-docx ~35x the XML it parses."""

    part_bytes: int = 10_000_000  # one .docx part or PDF stream unpacked, and all of them
    guide_chars: int = 250_000
    sections: int = 500
    chunks: int = 2_500
    pdf_pages: int = 200
    pdf_shapes: int = 20_000  # lines, rectangles, curves and images on one PDF page
    file_seconds: float = 30.0

    def start(self, name: str) -> Guard:
        """The budgets of one guide, its clock started now."""
        return Guard(self, name)


def budgets_of(settings: Settings) -> Budgets:
    """The budgets the settings ask for; each one unset keeps its measured default."""
    i = settings.ingest
    given = {
        "part_bytes": i.max_part_bytes, "guide_chars": i.max_guide_chars,
        "sections": i.max_sections, "chunks": i.max_chunks, "pdf_pages": i.max_pdf_pages,
        "pdf_shapes": i.max_pdf_shapes, "file_seconds": i.file_seconds,
    }  # fmt: skip
    return Budgets(**{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]


class OverBudget(CorpusError):
    """A guide went over one of its budgets; the message is the one line users read."""


class Guard:
    """One guide's budgets while it is read: its deadline and what it has spent so far."""

    __slots__ = ("budgets", "deadline", "name")

    def __init__(self, budgets: Budgets, name: str) -> None:
        self.budgets = budgets
        self.name = name
        self.deadline = time.monotonic() + budgets.file_seconds

    def over(self, budget: str, what: str) -> OverBudget:
        return OverBudget(f"{self.name}: {what} ({SETTINGS[budget]})")

    def tick(self) -> None:
        """Called inside the parsers' loops: a slow file stops itself at its deadline."""
        if time.monotonic() > self.deadline:
            raise self.over(
                "file_seconds", f"still being read after {self.budgets.file_seconds:g} s"
            )

    def check(self, budget: str, value: int, what: str) -> None:
        """`value` of `what` (e.g. 'pages') must stay within the budget named `budget`."""
        limit: int = getattr(self.budgets, budget)
        if value > limit:
            raise self.over(budget, f"{value:,} {what}, over the budget of {limit:,}")

    def blocks(self) -> Blocks:
        return Blocks(self)


class Blocks(list[Block]):
    """The blocks a parser emits, counted as they come: text characters, and headings (each
    opens a section), so a guide stops at its budget instead of after it was all parsed."""

    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard
        self.chars = 0
        self.headings = 0

    def reserve(self, more: int) -> None:
        """`more` characters are still being gathered (an open paragraph): stop now if they
        cannot fit, rather than hold them all first."""
        limit = self.guard.budgets.guide_chars
        if self.chars + more > limit:
            raise self.guard.over("guide_chars", f"its text runs past {limit:,} characters")

    def append(self, block: Block) -> None:
        self.guard.tick()
        self._count(None, block)
        super().append(block)

    def replace_last(self, block: Block) -> None:
        """`block` in the place of the last one (the line read next went on with it, or showed
        it to be a heading), counting what it adds."""
        self._count(self[-1], block)
        super().__setitem__(-1, block)

    def _count(self, old: Block | None, block: Block) -> None:
        guard, budgets = self.guard, self.guard.budgets
        more = len(block.text) - (len(old.text) if old else 0)
        self.reserve(more)
        self.chars += more
        if block.kind == "heading" and (old is None or old.kind != "heading"):
            self.headings += 1
            if self.headings > budgets.sections:
                raise guard.over("sections", f"it has more than {budgets.sections:,} sections")
