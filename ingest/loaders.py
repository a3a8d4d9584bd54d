"""Find guides on disk and read each one into a `Document`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.docx import parse_docx
from ingest.errors import CorpusError
from ingest.markdown import parse_markdown
from ingest.parsers import parse_html, parse_plaintext
from ingest.pdf import parse_pdf
from ingest.structure import Block, Document, assemble

TEXT_PARSERS: dict[str, Callable[[str], list[Block]]] = {
    ".txt": parse_plaintext,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}
# Binary formats parse bytes; the name goes into their error messages.
BINARY_PARSERS: dict[str, Callable[[bytes, str], list[Block]]] = {
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}
PARSERS = {*TEXT_PARSERS, *BINARY_PARSERS}
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    reason: str


def discover(paths: Sequence[Path]) -> list[Path]:
    """Guide files among `paths`; a directory contributes the guides directly inside it.

    Sub-directories are not walked: `corpus/eval/` holds the test set, not guides.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.is_file() and p.suffix.lower() in PARSERS and not p.name.startswith(".")
            )
        elif path.is_file():
            if path.suffix.lower() not in PARSERS:
                raise CorpusError(
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                    f"give a {', '.join(sorted(PARSERS))} file"
                )
            found.append(path)
        else:
            raise CorpusError(f"{path}: no such file or directory; give a guide file or folder")
    if not found:
        where = ", ".join(str(p) for p in paths)
        raise CorpusError(
            f"no guides in {where}: add {', '.join(sorted(PARSERS))} files or pass their paths"
        )
    return found


def document_id(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "guide"


def read_bytes(path: Path) -> tuple[bytes, str]:
    """(bytes, sha256) of a guide; CorpusError naming the file and the reason if unusable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    if not raw.strip():
        raise CorpusError(f"{path}: file is empty")
    if len(raw) > MAX_BYTES:
        raise CorpusError(f"{path}: {len(raw):,} bytes is over the {MAX_BYTES:,}-byte limit")
    return raw, hashlib.sha256(raw).hexdigest()


def read_source(path: Path) -> tuple[str, str]:
    """(text, sha256) of a text guide; CorpusError naming the file and the reason if unusable."""
    raw, digest = read_bytes(path)
    if b"\x00" in raw:
        raise CorpusError(f"{path}: looks binary (NUL bytes), not a text guide")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8"
        ) from exc
    return text, digest


def load_document(path: Path, doc_id: str | None = None) -> Document:
    suffix = path.suffix.lower()
    if suffix in BINARY_PARSERS:
        raw, digest = read_bytes(path)
        blocks = BINARY_PARSERS[suffix](raw, str(path))
    else:
        text, digest = read_source(path)
        blocks = TEXT_PARSERS[suffix](text)
    doc = assemble(doc_id or document_id(path), _display(path), digest, blocks, _title(path))
    if not any(unit for s in doc.sections if not s.navigation for unit in s.units):
        raise CorpusError(f"{path}: no text to index (only headings, links or markup)")
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
