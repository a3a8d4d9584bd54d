""".docx packages (zips) unpacked within budget before python-docx sees them.

python-docx inflates every part it is given into memory, then refuses nothing: 1 MB of .docx
held 1.1 GB of XML and took ingest to 2.2 GB RSS before failing. Here each member is checked
against its declared size, then inflated a megabyte at a time and stopped at the limit, and the
XML parts together may not pass it either. What python-docx then reads is a re-zipped copy
holding only those checked XML parts; other members (pictures, embedded files) become empty,
since python-docx keeps them as opaque bytes and the text never needs them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from ingest.budgets import Guard
from ingest.errors import CorpusError

_PIECE = 1 << 20
_READ = (".xml", ".rels")  # the parts text, styles and numbering come from


def checked_package(raw: bytes, guard: Guard) -> io.BytesIO:
    """The package at `raw`, re-zipped with its XML parts only, each within the part budget.

    OverBudget for a part (or all of them) past GUIDE_RAG_MAX_PART_BYTES; CorpusError for a
    member whose name leaves the package; zipfile's errors for a broken zip.
    """
    limit = guard.budgets.part_bytes
    total = 0
    out = io.BytesIO()
    names: set[str] = set()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy,
    ):
        for info in package.infolist():
            guard.tick()
            name = info.filename
            if _escapes(name):
                raise CorpusError(f"{guard.name}: archive member {name!r} points outside it")
            if name in names:
                raise CorpusError(f"{guard.name}: not a readable .docx (two parts named {name})")
            names.add(name)
            if info.is_dir():
                continue
            if not name.lower().endswith(_READ):
                copy.writestr(name, b"")
                continue
            if info.file_size > limit:  # refused unread
                raise guard.over(
                    "part_bytes",
                    f"{name} declares {info.file_size:,} bytes unpacked, over the budget of "
                    f"{limit:,}",
                )
            data = _inflate(package, info, guard, room=limit - total)
            total += len(data)
            copy.writestr(name, data)
    out.seek(0)
    return out


def _inflate(package: zipfile.ZipFile, info: zipfile.ZipInfo, guard: Guard, room: int) -> bytes:
    """The member's bytes, a piece at a time, stopped as soon as it passes the part budget or
    what is left of it for all parts (`room`); a declared size may lie."""
    limit = guard.budgets.part_bytes
    pieces: list[bytes] = []
    size = 0
    with package.open(info) as member:
        while piece := member.read(_PIECE):
            guard.tick()
            size += len(piece)
            if size > limit:
                raise guard.over("part_bytes", f"{info.filename} unpacks past {limit:,} bytes")
            if size > room:
                raise guard.over(
                    "part_bytes", f"its XML parts unpack past {limit:,} bytes together"
                )
            pieces.append(piece)
    return b"".join(pieces)


def _escapes(name: str) -> bool:
    """A member named absolutely or with `..`: harmless in memory, but no real document has one
    and an extracting tool would write it outside its folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in (path.parts[0] if path.parts else "")
