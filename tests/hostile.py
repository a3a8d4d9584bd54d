"""Hostile guides, generated on the fly (no binary is committed), and a measured CLI run.

Shared by tests/ingest/test_hostile.py and bench/hostile.py: each maker writes one file that a
file-size cap alone lets through but that, unbounded, would take the machine or the index lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import CLI, ROOT

_BODY = "<w:body>"


class _Repeating:
    """A deflater that packs each distinct piece once: a full flush after every piece starts the
    stream afresh, so a piece packs to the same bytes wherever it falls. A bomb's gigabyte is
    one piece a thousand times over; zlib at level 9 took 6–7 s for each bomb."""

    def __init__(self, wbits: int = -zlib.MAX_WBITS) -> None:
        self._packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        self._last: tuple[bytes | None, bytes] = (None, b"")

    def compress(self, data: bytes) -> bytes:
        if data != self._last[0]:
            self._last = data, self._packer.compress(data) + self._packer.flush(zlib.Z_FULL_FLUSH)
        return self._last[1]

    def flush(self) -> bytes:
        return self._packer.flush()


def _docx(path: Path, body: Callable[[], Iterator[bytes]]) -> Path:
    """A .docx: python-docx's own template, its document.xml body replaced by `body`'s pieces,
    streamed into the zip (a gigabyte never sits in memory)."""
    import docx

    template = Path(docx.__file__).parent / "templates" / "default.docx"
    with (
        zipfile.ZipFile(template) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                out.writestr(info.filename, data)
                continue
            head, tail = data.split(_BODY.encode(), 1)
            with out.open("word/document.xml", "w", force_zip64=True) as member:
                # zipfile deflates through this attribute; were it renamed, the member would
                # be deflated as usual, only slower.
                setattr(member, "_compressor", _Repeating())  # noqa: B010
                member.write(head + _BODY.encode())
                for piece in body():
                    member.write(piece)
                member.write(tail)
    return path


def _repeat(unit: bytes, count: int, per_piece: int = 1 << 20) -> Callable[[], Iterator[bytes]]:
    def pieces() -> Iterator[bytes]:
        batch = max(1, per_piece // len(unit))
        left = count
        while left > 0:
            n = min(batch, left)
            yield unit * n
            left -= n

    return pieces


def unpack_bomb_docx(path: Path, unpacked: int = 1_100_000_000) -> Path:
    """~1 MB of .docx whose document.xml unpacks to ~1.1 GB of repetitive XML."""
    unit = b"<w:p><w:r><w:t>" + b"a" * 1_000_000 + b"</w:t></w:r></w:p>"
    return _docx(path, _repeat(unit, unpacked // len(unit)))


def headings_docx(path: Path, headings: int = 2_500) -> Path:
    """~30 KB of .docx: thousands of headings, each over one short paragraph."""

    def pieces() -> Iterator[bytes]:
        for n in range(headings):
            yield (
                f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Topic {n}</w:t>'
                f"</w:r></w:p><w:p><w:r><w:t>Point {n}.</w:t></w:r></w:p>"
            ).encode()

    return _docx(path, pieces)


def repeated_docx(path: Path, paragraphs: int = 30_000) -> Path:
    """A small .docx: one short paragraph repeated into tens of thousands of chunks."""
    unit = b"<w:p><w:r><w:t>Pay.</w:t></w:r></w:p>"
    return _docx(path, _repeat(unit, paragraphs))


def empty_pages_pdf(path: Path, pages: int = 5_000) -> Path:
    """A PDF of thousands of empty pages."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def _one_page_pdf(path: Path, compressed_content: bytes) -> Path:
    """A one-page PDF whose page draws `compressed_content` (a FlateDecode stream)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed_content)
        + compressed_content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def dense_page_pdf(path: Path, chars: int = 300_000) -> Path:
    """Under 1 KB of PDF: one page drawing 300,000 characters (pdfplumber: ~2 KB each)."""
    content = b"BT /F1 1 Tf 0 0 Td (" + b"A" * chars + b") Tj ET"
    return _one_page_pdf(path, zlib.compress(content, 9))


def shapes_pdf(path: Path, rectangles: int = 80_000) -> Path:
    """~200 KB of PDF: one page of 80,000 tiny rectangles (pdfplumber: ~8 KB each)."""
    ops = "\n".join(f"{n % 600} {n // 600 % 780} 0.5 0.5 re f" for n in range(rectangles))
    return _one_page_pdf(path, zlib.compress(ops.encode(), 9))


def stream_bomb_pdf(path: Path, unpacked: int = 1_000_000_000) -> Path:
    """~1 MB of PDF: a page content stream that inflates to ~1 GB."""
    piece = b" " * (1 << 20)
    count = unpacked // len(piece)
    packer = _Repeating(zlib.MAX_WBITS)
    header = packer.compress(b"")  # zlib's two bytes, then pieces that pack alike
    body = header + packer.compress(piece) * count + packer.flush()
    checksum = 1  # zlib's trailer is the Adler-32 of all it inflates to, not of the one piece
    for _ in range(count):
        checksum = zlib.adler32(piece, checksum)
    return _one_page_pdf(path, body[:-4] + checksum.to_bytes(4, "big"))


def nested_html(path: Path, depth: int = 100_000) -> Path:
    """100,000 nested <div>s, each holding a short paragraph, none closed."""
    body = "".join(f"<div><p>Level {n} of the page.</p>" for n in range(depth))
    path.write_text(f"<html><body><h1>Nested</h1>{body}</body></html>", encoding="utf-8")
    return path


def substitutions_rst(path: Path, uses: int = 20_000) -> Path:
    """130 KB of reStructuredText: one substitution of 8,000 characters used 20,000 times, which
    docutils would expand to 160 MB of text before anything could count it."""
    definition = ".. |pay| replace:: " + "salary " * 1_142
    path.write_text(f"Pay\n===\n\n{definition}\n\n" + "|pay| " * uses, encoding="utf-8")
    return path


def malformed_html(path: Path, tags: int = 40_000) -> Path:
    """120 KB of unclosed `<a ` tags: Python's HTMLParser is quadratic on it (minutes)."""
    path.write_text("<p>Pay.</p>" + "<a " * tags, encoding="utf-8")
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "unpack-bomb.docx": unpack_bomb_docx,
    "headings.docx": headings_docx,
    "repeated.docx": repeated_docx,
    "empty-pages.pdf": empty_pages_pdf,
    "dense-page.pdf": dense_page_pdf,
    "shapes.pdf": shapes_pdf,
    "stream-bomb.pdf": stream_bomb_pdf,
    "nested.html": nested_html,
    "substitutions.rst": substitutions_rst,
}


def made_once(cache: Path) -> dict[str, Path]:
    """Every hostile file under `cache`, made there unless this version of the makers made it
    already (named by the sha256 of this file). Safe with several test workers at once: each
    file is written under a private name, then renamed."""
    folder = cache / hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, make in HOSTILE.items():
        path = folder / name
        if not path.exists():
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                os.replace(make(Path(tmp) / name), path)
        made[name] = path
    return made


# Stopped only by the deadline (GUIDE_RAG_FILE_SECONDS, 30 s): in bench/hostile.py, not in tests.
SLOW: dict[str, Callable[[Path], Path]] = {"malformed.html": malformed_html}


@dataclass(frozen=True, slots=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float  # of the CLI process (and any child it waited for)
    seconds: float


# The real `guide-rag` command on the fake model: ingest, budgets and publishing run for real
# without a tuned model (the embedder is only made after parsing).
FAKE_MODEL_ENV = {"GUIDE_RAG_MODEL": "fake-embedder"}


# Linux starts a child's peak RSS at its parent's when it is spawned (the address space it
# leaves at exec counts), so a CLI spawned by a test process that holds the real model would
# report that model's 1.2 GB. A small Python process in between spawns the CLI and reports the
# CLI's own peak from wait4 (its own, ~10 MB, is the floor).
_MEASURER = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}, out)
"""


def run_measured(
    args: list[str],
    env: dict[str, str] | None = None,
    *,
    fake_model: bool = False,
    cwd: Path = ROOT,
) -> Measured:
    """`guide-rag ARGS` in a subprocess, with its peak RSS (that process and any child it
    waited for; never this process's)."""
    started = time.perf_counter()
    env = {**(env or {}), **(FAKE_MODEL_ENV if fake_model else {})}
    with (
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
        tempfile.TemporaryDirectory() as tmp,
    ):
        report = Path(tmp) / "usage.json"
        subprocess.run(
            [sys.executable, "-c", _MEASURER, str(report), *CLI, *args],
            stdout=stdout, stderr=stderr, cwd=cwd, env={**os.environ, **env}, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        usage = json.loads(report.read_text(encoding="utf-8"))
        stdout.seek(0)
        stderr.seek(0)
        return Measured(
            usage["returncode"],
            stdout.read().decode(errors="replace"),
            stderr.read().decode(errors="replace"),
            usage["maxrss_kb"] / 1024,
            seconds,
        )
