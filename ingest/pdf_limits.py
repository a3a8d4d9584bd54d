"""PDF reading within budget: stream inflation, characters drawn, and the deadline.

pdfminer inflates a whole stream at once (zlib, LZW, run-length: a 20 MB file can hold
gigabytes) and pdfplumber keeps ~2.5 KB per character drawn on a page (a 900-byte PDF drawing
300,000 characters took 700 MB) and ~8 KB per shape. pdfminer offers no hook for either, so:
- while one PDF is read, the decoders in `pdfminer.pdftypes` are swapped for bounded ones (and
  put back after; ingest reads one guide at a time, in one thread);
- pages are `GuardedPage`s, whose device counts the characters and shapes drawn and checks the
  deadline.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pdfminer import pdftypes
from pdfminer.layout import LTPage
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

from ingest.budgets import Guard
from ingest.errors import CorpusError


class PdfBudget:
    """What one PDF has spent: bytes inflated by all its streams, characters drawn."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.inflated = 0
        self.chars = 0

    def room(self) -> int:
        """How many more bytes one stream may inflate to."""
        return min(self.guard.budgets.part_bytes, self.guard.budgets.part_bytes - self.inflated)

    def inflate(self, size: int, stream: int) -> None:
        """`size` more bytes inflated, `stream` of them so far by the current stream."""
        limit = self.guard.budgets.part_bytes
        self.guard.tick()
        if stream > limit:
            raise self.guard.over("part_bytes", f"a stream unpacks past {limit:,} bytes")
        if self.inflated + size > limit:
            raise self.guard.over("part_bytes", f"its streams unpack past {limit:,} bytes together")
        self.inflated += size

    def drew(self, count: int) -> None:
        self.chars += count
        limit = self.guard.budgets.guide_chars
        if self.chars > limit:
            raise self.guard.over("guide_chars", f"its pages draw more than {limit:,} characters")
        self.guard.tick()


class _Zlib:
    """`zlib` as pdfminer.pdftypes uses it (decompress, decompressobj, error), bounded."""

    error = zlib.error

    def __init__(self, budget: PdfBudget) -> None:
        self.budget = budget

    def decompress(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self.budget.room() + 1)
        self.budget.inflate(len(out), len(out))
        if not inflater.eof:  # as zlib.decompress: pdfminer then tries decompress_corrupted
            self.budget.inflated -= len(out)
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self) -> _Inflater:
        return _Inflater(self.budget)


class _Inflater:
    """decompress_corrupted feeds one byte at a time: counted as it grows."""

    def __init__(self, budget: PdfBudget) -> None:
        self.budget = budget
        self.inflater = zlib.decompressobj()
        self.size = 0

    def decompress(self, data: bytes) -> bytes:
        out = self.inflater.decompress(data, self.budget.room() + 1)
        self.size += len(out)
        self.budget.inflate(len(out), self.size)
        return out


def _lzw(budget: PdfBudget) -> Any:
    def decode(data: bytes) -> bytes:
        out = bytearray()
        for piece in LZWDecoder(io.BytesIO(data)).run():
            out += piece
            budget.inflate(len(piece), len(out))
        return bytes(out)

    return decode


def _run_length(budget: PdfBudget) -> Any:
    def decode(data: bytes) -> bytes:  # as pdfminer.runlength.rldecode, counted
        out = bytearray()
        i = 0
        while i < len(data) and data[i] != 128:
            length = data[i]
            before = len(out)
            if length < 128:
                out += data[i + 1 : i + 2 + length]
                i += length + 2
            else:
                out += data[i + 1 : i + 2] * (257 - length)
                i += 2
            budget.inflate(len(out) - before, len(out))
        return bytes(out)

    return decode


def _no_fax(guard: Guard) -> Any:
    def refuse(data: bytes, params: Any) -> bytes:
        # Fax-compressed data is a scanned image; reading text never decodes one, and its
        # output size depends only on numbers the file states.
        raise CorpusError(f"{guard.name}: a fax-compressed stream where text was expected")

    return refuse


@contextmanager
def bounded_streams(budget: PdfBudget) -> Iterator[None]:
    """pdfminer's stream decoders, bounded by `budget`, for the duration of one PDF."""
    bounded = {
        "zlib": _Zlib(budget),
        "lzwdecode": _lzw(budget),
        "rldecode": _run_length(budget),
        "ccittfaxdecode": _no_fax(budget.guard),
    }
    saved = {name: getattr(pdftypes, name) for name in bounded}
    for name, value in bounded.items():
        setattr(pdftypes, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(pdftypes, name, value)


class _GuardedDevice(PDFPageAggregatorWithMarkedContent):
    def __init__(self, budget: PdfBudget, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.shapes = 0  # on this page: what pdfplumber keeps of them goes with the page

    def _shape(self) -> None:
        guard = self.budget.guard
        guard.tick()
        self.shapes += 1
        if self.shapes > guard.budgets.pdf_shapes:
            raise guard.over(
                "pdf_shapes", f"a page draws more than {guard.budgets.pdf_shapes:,} shapes"
            )

    def render_string(self, textstate: Any, seq: Any, *args: Any, **kwargs: Any) -> None:
        # Counted from the string's codes before any character is laid out: a page that draws
        # 300,000 characters in one string stops at once, not after pdfminer has built 250,000
        # of them (6 s and ~2 KB each).
        font = textstate.font
        if font is not None:
            codes = (o.encode("latin-1", "replace") if isinstance(o, str) else o for o in seq)
            self.budget.drew(sum(len(font.decode(c)) for c in codes if isinstance(c, bytes)))
        super().render_string(textstate, seq, *args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self._shape()  # pdfminer calls this again for each subpath of a path: each counts
        super().paint_path(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._shape()
        super().render_image(*args, **kwargs)


class GuardedPage(Page):
    """A pdfplumber page laid out by a device that counts what it draws against the budget."""

    def __init__(self, budget: PdfBudget, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget

    @property
    def layout(self) -> LTPage:  # as pdfplumber's Page.layout, with the guarded device
        if hasattr(self, "_layout"):
            return self._layout
        device = _GuardedDevice(
            self.budget, self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams
        )
        try:
            PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
        except CorpusError:
            raise
        except Exception as exc:
            raise PdfminerException(exc) from exc
        self._layout: LTPage = device.get_result()
        return self._layout


def budget_error(exc: BaseException) -> CorpusError | None:
    """The CorpusError (a budget, usually) inside whatever pdfplumber wrapped it in, if any."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CorpusError):
            return current
        stack += [a for a in current.args if isinstance(a, BaseException)]
        stack += [e for e in (current.__cause__, current.__context__) if e is not None]
    return None
