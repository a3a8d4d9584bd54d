"""Find the guide files among the paths given, never leaving them.

A folder holding `passwd.txt -> /etc/passwd` must not publish /etc/passwd: a symlink is read
only when it resolves inside the folder (or, for a file named directly, the folder it sits in),
unless GUIDE_RAG_FOLLOW_SYMLINKS is on. FIFOs and devices are never read (a read would block or
never end), symlink loops and dangling links are reported, and a link to a guide that is
already in the list is read once.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import CorpusError

GUIDE_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".mdx", ".ipynb", ".rst", ".html", ".htm", ".pdf", ".docx"}
)
# Documents people keep guides in that no parser here reads: in a folder they are skipped with
# how to make them readable (not silently passed over, as an image beside a guide is).
_CONVERT = {
    ".doc": "save it as .docx",
    ".odt": "save it as .docx",
    ".rtf": "save it as .docx",
    ".pages": "export it as .docx or .pdf",
    ".adoc": "convert it to HTML (asciidoctor) or Markdown",
    ".asciidoc": "convert it to HTML (asciidoctor) or Markdown",
    ".epub": "convert it to .html or .pdf",
    ".ppt": "export it as .pdf",
    ".pptx": "export it as .pdf",
    ".odp": "export it as .pdf",
    ".key": "export it as .pdf",
    ".tex": "convert it to .pdf or .html",
    ".org": "convert it to Markdown (pandoc -t gfm)",
    ".textile": "convert it to Markdown (pandoc -t gfm)",
    ".mediawiki": "convert it to Markdown (pandoc -t gfm)",
    ".mht": "save the page as .html",
    ".mhtml": "save the page as .html",
}
_KINDS = {
    stat.S_ISFIFO: "a FIFO",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class Found:
    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...] = ()


def discover(paths: Sequence[Path], *, follow_symlinks: bool = False) -> Found:
    """Guide files among `paths`; a directory contributes the guides directly inside it.

    Sub-directories are not walked: `corpus/eval/` holds the test set, not guides. Entries that
    would leave what was named, or are not regular files, are `Skipped` with their reason.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()  # real paths already taken: each guide is read once
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            listed = [p for p in sorted(path.iterdir()) if not p.name.startswith(".")]
            entries = [p for p in listed if p.suffix.lower() in GUIDE_SUFFIXES]
            skipped += [Skipped(p, _unread(p)) for p in listed if p.suffix.lower() in _CONVERT]
        elif path.is_symlink() or path.exists():
            if path.suffix.lower() not in GUIDE_SUFFIXES:
                raise CorpusError(_unread(path))
            root, entries = path.absolute().parent.resolve(), [path]
        else:
            raise CorpusError(f"{path}: no such file or directory; give a guide file or folder")
        checked = [(entry, *_check(entry, root, follow_symlinks)) for entry in entries]
        # A link to a guide of the same folder gives nothing: the guide is read under its name.
        direct = {real for entry, real, _ in checked if real and not entry.is_symlink()}
        for entry, real, reason in checked:
            if reason:
                skipped.append(Skipped(entry, f"{entry}: {reason}"))
            elif real is None or real in seen or (entry.is_symlink() and real in direct):
                continue
            else:
                seen.add(real)
                files.append(entry)
    if not files and not skipped:
        where = ", ".join(str(p) for p in paths)
        raise CorpusError(
            f"no guides in {where}: add {', '.join(sorted(GUIDE_SUFFIXES))} files or pass "
            "their paths"
        )
    return Found(tuple(files), tuple(skipped))


def _unread(path: Path) -> str:
    """Why a file is not read, and what to do about it."""
    readable = ", ".join(sorted(GUIDE_SUFFIXES))
    advice = _CONVERT.get(path.suffix.lower())
    fix = f"{advice} (guides are {readable})" if advice else f"give a {readable} file"
    return f"{path}: unsupported file type {path.suffix or '(none)'!r}; {fix}"


def _check(entry: Path, root: Path, follow: bool) -> tuple[Path | None, str]:
    """(real path, "") for a guide to read; (None, reason) to skip; (None, "") to ignore."""
    try:
        real = entry.resolve(strict=True)
    except (RuntimeError, OSError) as exc:  # RuntimeError: a loop, before Python 3.13
        if not entry.is_symlink():
            return None, f"cannot read ({getattr(exc, 'strerror', None) or exc})"
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return None, "a symlink loop"
        return None, f"a symlink to {_target(entry)}, which does not exist"
    if entry.is_symlink() and not follow and not real.is_relative_to(root):
        return None, (
            f"a symlink to {real}, outside {root} (GUIDE_RAG_FOLLOW_SYMLINKS=true reads it)"
        )
    mode = real.stat().st_mode
    if stat.S_ISDIR(mode):
        return None, ""  # a folder named like a guide is not a guide
    for test, kind in _KINDS.items():
        if test(mode):
            return None, f"{kind}, not a regular file"
    return real, ""


def _target(link: Path) -> str:
    try:
        return str(link.readlink())
    except OSError:
        return "?"
