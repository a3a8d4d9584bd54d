"""Read each guide into a `Document`, within its budgets."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from ingest.budgets import Budgets, Guard
from ingest.docx import parse_docx
from ingest.errors import CorpusError
from ingest.html_page import parse_html
from ingest.markdown import parse_markdown
from ingest.notebook import parse_notebook
from ingest.parsers import parse_plaintext
from ingest.pdf import parse_pdf
from ingest.rst import parse_rst
from ingest.structure import Block, Document, assemble

TEXT_PARSERS: dict[str, Callable[[str, Guard], list[Block]]] = {
    ".txt": parse_plaintext,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".mdx": parse_markdown,
    ".ipynb": parse_notebook,
    ".rst": parse_rst,
    ".html": parse_html,
    ".htm": parse_html,
}
BINARY_PARSERS: dict[str, Callable[[bytes, Guard], list[Block]]] = {
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}
PARSERS = {*TEXT_PARSERS, *BINARY_PARSERS}
MAX_BYTES = 20 * 1024 * 1024
_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)


def document_id(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "guide"


def read_bytes(path: Path) -> tuple[bytes, str]:
    """(bytes, sha256) of a guide; CorpusError naming the file and the reason if unusable.

    Never more than MAX_BYTES + 1 bytes are read, and only from a regular file: a FIFO or a
    device put in place after discovery would block or never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CorpusError(f"{path}: not a regular file")
        try:
            raw = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    if len(raw) > MAX_BYTES:
        size = max(info.st_size, len(raw))
        raise CorpusError(f"{path}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit")
    if not raw.strip():
        raise CorpusError(f"{path}: file is empty")
    return raw, hashlib.sha256(raw).hexdigest()


def read_source(path: Path) -> tuple[str, str]:
    """(text, sha256) of a text guide; CorpusError naming the file and the reason if unusable."""
    raw, digest = read_bytes(path)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        try:
            return raw.decode("utf-16"), digest
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: not valid UTF-16 (byte {exc.start})") from exc
    if b"\x00" in raw:
        raise CorpusError(f"{path}: looks binary (NUL bytes), not a text guide")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _declared_charset(path, raw)
        try:  # a page that says its encoding (<meta charset="windows-1252">) is read in it
            if declared:
                return raw.decode(declared), digest
        except (LookupError, UnicodeDecodeError):
            pass
        raise CorpusError(
            f"{path}: not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8"
        ) from exc
    return text, digest


def _declared_charset(path: Path, raw: bytes) -> str | None:
    if path.suffix.lower() not in (".html", ".htm"):
        return None
    found = _CHARSET.search(raw[:4096])
    return found.group(1).decode("ascii") if found else None


def load_document(
    path: Path, doc_id: str | None = None, budgets: Budgets | None = None
) -> Document:
    """Read, parse and assemble one guide; OverBudget (a CorpusError) if it costs too much."""
    guard = (budgets or Budgets()).start(str(path))
    suffix = path.suffix.lower()
    if suffix in BINARY_PARSERS:
        raw, digest = read_bytes(path)
        blocks = BINARY_PARSERS[suffix](raw, guard)
    else:
        text, digest = read_source(path)
        blocks = TEXT_PARSERS[suffix](text, guard)
    doc = assemble(doc_id or document_id(path), _display(path), digest, blocks, _title(path))
    passages = sum(len(s.units) for s in doc.sections if not s.navigation)
    if not passages:
        raise CorpusError(f"{path}: no text to index (only headings, links or markup)")
    # Each passage is at least one chunk: refuse now, before the model is loaded.
    guard.check("chunks", passages, "passages (each at least one chunk)")
    return doc


def _title(path: Path) -> str:
    """A title for a guide that states none: its file name ("incident_commander.md" →
    "Incident commander"), or its folder's for a generic name (docs/privacy/index.md)."""
    stem = path.stem if path.stem.lower() not in _GENERIC else path.resolve().parent.name
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


_GENERIC = {"index", "readme", "main", "guide", "document"}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path.resolve())
