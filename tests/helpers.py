"""Helpers tests (and bench/) share: paths, settings for a private home, a live server."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from config.settings import Paths, Settings
from feedback.open import open_store
from feedback.store import FeedbackStore
from retriever.answer.sentences import sentence_spans
from retriever.embedding import FAKE_MODEL
from retriever.types import Chunk

if TYPE_CHECKING:
    import openai

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "corpus" / "ai-vs-ml-engineering-career-guide.txt"
EVAL_DIR = ROOT / "corpus" / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLI = [sys.executable, "-c", "from cli.app import main; main()"]
# Tests speak plain HTTP to loopback only, yet an httpx client built with the defaults loads
# certifi's CA bundle: 45 ms of CPU a client, about 9 s of the fast suite. This TLS context
# trusts no one (a TLS server could never be reached with it by mistake) and costs nothing.
NO_CA = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def openai_client(base: str, api_key: str = "unused") -> openai.OpenAI:
    """The official `openai` client on a live server's /v1: no retries, no CA bundle."""
    import openai  # only the tests that use it pay for its import

    http = openai.DefaultHttpxClient(verify=NO_CA)
    return openai.OpenAI(base_url=f"{base}/v1", api_key=api_key, max_retries=0, http_client=http)


def fake_settings_for(home: Path, **flat: object) -> Settings:
    """Settings for a private `home` that embed with the fake model (no model quality)."""
    base = Settings(paths=Paths(home=home, eval_dir=EVAL_DIR))
    return base.override(model=FAKE_MODEL, **flat)


def real_settings_for(home: Path, **flat: object) -> Settings:
    """Settings for a private `home` that read the checkout's guide and its tuned model."""
    paths = Paths(home=home, corpus_dir=GUIDE.parent, models_dir=ROOT / "models",
                  eval_dir=EVAL_DIR)  # fmt: skip
    return Settings(paths=paths).override(**flat)


def make_chunk(cid: str, text: str, **fields: Any) -> Chunk:
    """A chunk as ingest would make it (its sentences found), for tests of the read side."""
    values: dict[str, Any] = {
        "id": cid, "document_id": "doc", "document_title": "Doc", "section": "S",
        "position": 0, "kind": "paragraph", "text": text, "span": (0, len(text)),
        "source": "doc.txt", **fields,
    }  # fmt: skip
    chunk = Chunk(**values)
    return replace(chunk, sentences=sentence_spans(chunk.kind, chunk.text, chunk.own_text))


def env_for(settings: Settings) -> dict[str, str]:
    """The GUIDE_RAG_* variables that make a subprocess see `settings`' folders."""
    p = settings.paths
    return {
        "GUIDE_RAG_HOME": str(p.home),
        "GUIDE_RAG_INDEX_DIR": str(p.index),
        "GUIDE_RAG_MODELS_DIR": str(p.models),
        "GUIDE_RAG_CORPUS_DIR": str(p.corpus),
        "GUIDE_RAG_EVAL_DIR": str(p.eval),
        "GUIDE_RAG_FEEDBACK_DB": str(settings.feedback_db),
        **({"GUIDE_RAG_FEEDBACK_URL": settings.feedback_url} if settings.feedback_url else {}),
        "GUIDE_RAG_MODEL": settings.model.model,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackTarget:
    """A fresh, empty feedback store of one kind: a SQLite file, or a PostgreSQL database."""

    kind: Literal["sqlite", "postgres"]
    db: Path
    url: str | None = None

    def open(self, max_rows: int = 1000) -> FeedbackStore:
        return open_store(url=self.url, db=self.db, max_rows=max_rows)

    @property
    def flat(self) -> dict[str, object]:
        """For `Settings.override`."""
        return {"feedback_db": self.db, "feedback_url": self.url}

    @property
    def env(self) -> dict[str, str]:
        """For a subprocess."""
        return {"GUIDE_RAG_FEEDBACK_DB": str(self.db),
                **({"GUIDE_RAG_FEEDBACK_URL": self.url} if self.url else {})}  # fmt: skip


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Poll `condition` until it holds or `seconds` pass (the caller's asserts say which)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


class ServerError(Exception):
    """The server under test exited or never became ready; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server_process(
    env: dict[str, str],
    log: Path,
    *,
    ready_within: float = 120,
    command: Sequence[str] = CLI,
    cwd: Path | None = None,
    args: Sequence[str] = (),
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`guide-rag serve` (`command` runs guide-rag) in a subprocess on a free loopback port;
    yields (base URL, process) once /ready answers 200."""
    port = free_port()
    env = {**os.environ, **env, "GUIDE_RAG_PORT": str(port), "GUIDE_RAG_HOST": "127.0.0.1"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*command, "serve", *args], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd
        )
    base = f"http://127.0.0.1:{port}"
    try:
        failure = wait_answering(proc, f"{base}/ready", ready_within)
        if failure is not None:
            raise ServerError(f"server {failure}:\n{log.read_text()}")
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_answering(proc: subprocess.Popen[bytes], url: str, seconds: float) -> str | None:
    """Poll `url` until it answers 200 (None), or say why not: `proc` exited, or time ran out.

    One client for the whole wait: httpx.get() builds a client per call, taken from the process
    that is starting, fifty times a second.
    """
    answered = False
    with httpx.Client(timeout=2, verify=NO_CA) as client:

        def settled() -> bool:
            nonlocal answered
            try:
                answered = client.get(url).status_code == 200
            except httpx.TransportError:
                answered = False
            return answered or proc.poll() is not None

        wait_until(settled, seconds)
    if answered:
        return None
    return "exited" if proc.poll() is not None else f"did not answer in {seconds:g} s"


@contextmanager
def live_server(env: dict[str, str], log: Path) -> Iterator[str]:
    with live_server_process(env, log) as (base, _):
        yield base


# One small guide, written in every format ingest reads, to check they all give the same thing.
SMALL_TITLE = "Data engineering primer"
SMALL_GUIDE: list[tuple[str, list[tuple[str, object]]]] = [
    ("What data engineers do", [
        ("p", "Data engineers build pipelines that move data from sources to warehouses. "
              "They keep the data clean, documented and on time."),
        ("p", "Their week usually includes:"),
        ("ul", ["Designing batch and streaming pipelines", "Writing data quality checks",
                "Helping analysts find the right tables"]),
    ]),
    ("Skills and tools", [
        ("p", "Strong SQL and one general-purpose language matter most."),
        ("table", [["Area", "Junior", "Senior"],
                   ["SQL", "Joins and window functions", "Query planning and tuning"],
                   ["Orchestration", "Running existing DAGs", "Designing DAGs with retries"]]),
    ]),
    ("Pay", [
        ("p", "Entry-level data engineers typically earn $85,000 to $110,000. "
              "Senior engineers earn $150,000 or more."),
    ]),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Asked:
    """What /ask answered (the answer texts) and how it failed, in order."""

    answers: list[str]
    failures: list[str]


@contextmanager
def asking_in_a_loop(base: str, body: dict[str, str], most: int = 5000) -> Iterator[Asked]:
    """POST `body` to /ask on a thread, one request after another, until the block ends (or
    `most` requests): what a server must keep answering while it swaps index or model."""
    asked = Asked(answers=[], failures=[])
    stop = threading.Event()

    def loop() -> None:
        with httpx.Client(base_url=base, timeout=30, verify=NO_CA) as client:
            while not stop.is_set() and len(asked.answers) + len(asked.failures) < most:
                try:
                    response = client.post("/ask", json=body)
                    if response.status_code == 200:
                        asked.answers.append(response.json()["answer"])
                    else:
                        asked.failures.append(f"{response.status_code} {response.text[:200]}")
                except httpx.HTTPError as exc:
                    asked.failures.append(repr(exc))

    worker = threading.Thread(target=loop)
    worker.start()
    try:
        yield asked
    finally:
        stop.set()
        worker.join(timeout=60)


def write_small_guide(fmt: str, path: Path, *, outline: bool = True) -> Path:
    """SMALL_GUIDE as a .txt, .md, .rst, .html, .ipynb, .docx or .pdf file at `path` (suffix
    added)."""
    target = path.with_suffix(f".{fmt}")
    if fmt in ("txt", "md", "html"):
        target.write_text(_small_text(fmt), encoding="utf-8")
    elif fmt == "ipynb":
        target.write_text(_small_notebook(), encoding="utf-8")
    elif fmt == "rst":
        target.write_text(_small_rst(), encoding="utf-8")
    elif fmt == "docx":
        _small_docx(target)
    else:
        _small_pdf(target, outline)
    return target


def _small_notebook() -> str:
    """The Markdown, a cell per section (as Jupyter saves one: a list of lines), a code cell
    and its output after each."""
    sections = _small_text("md").split("\n## ")
    markdown = [sections[0], *(f"## {s}" for s in sections[1:])]
    code = {"cell_type": "code", "source": ["print('checking the room')"],
            "outputs": [{"output_type": "stream", "text": ["checking the room\n"]}]}  # fmt: skip
    cells = [c for text in markdown for c in (
        {"cell_type": "markdown", "source": text.splitlines(keepends=True)}, code)]  # fmt: skip
    return json.dumps({"cells": cells, "nbformat": 4, "metadata": {}})


def _small_text(fmt: str) -> str:
    lines = {"txt": [SMALL_TITLE], "md": [f"# {SMALL_TITLE}", ""],
             "html": [f"<html><body><h1>{SMALL_TITLE}</h1>"]}[fmt]  # fmt: skip
    for heading, blocks in SMALL_GUIDE:
        lines += {"txt": [heading], "md": [f"## {heading}", ""], "html": [f"<h2>{heading}</h2>"]}[
            fmt
        ]
        for kind, value in blocks:
            if kind == "p":
                lines += {"txt": [str(value)], "md": [str(value), ""],
                          "html": [f"<p>{value}</p>"]}[fmt]  # fmt: skip
            elif kind == "ul":
                items = [str(v) for v in value]  # type: ignore[attr-defined]
                bullets = [f"- {v}" for v in items]
                html = ["<ul>", *(f"<li>{v}</li>" for v in items), "</ul>"]
                lines += {"txt": bullets, "md": [*bullets, ""], "html": html}[fmt]
            else:
                rows = [list(map(str, r)) for r in value]  # type: ignore[attr-defined]
                if fmt == "html":
                    head = "<tr>" + "".join(f"<th>{c}</th>" for c in rows[0]) + "</tr>"
                    body = [
                        "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:]
                    ]
                    lines += ["<table>", head, *body, "</table>"]
                else:
                    table = ["| " + " | ".join(r) + " |" for r in rows]
                    lines += [table[0], "|" + "---|" * len(rows[0]), *table[1:]]
                    lines += [""] if fmt == "md" else []
    if fmt == "html":
        lines.append("</body></html>")
    return "\n".join(lines) + "\n"


def _small_rst() -> str:
    """reStructuredText as Sphinx handbooks write it: a list-table for each table."""
    lines = ["=" * len(SMALL_TITLE), SMALL_TITLE, "=" * len(SMALL_TITLE), ""]
    for heading, blocks in SMALL_GUIDE:
        lines += [heading, "-" * len(heading), ""]
        for kind, value in blocks:
            if kind == "p":
                lines += [str(value), ""]
            elif kind == "ul":
                lines += [*(f"* {v}" for v in value), ""]  # type: ignore[attr-defined]
            else:
                lines += [".. list-table::", "   :header-rows: 1", ""]
                for row in value:  # type: ignore[attr-defined]
                    cells = [str(c) for c in row]
                    lines += [f"   * - {cells[0]}", *(f"     - {c}" for c in cells[1:])]
                lines.append("")
    return "\n".join(lines)


def _small_docx(target: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading(SMALL_TITLE, 0)
    for heading, blocks in SMALL_GUIDE:
        document.add_heading(heading, 1)
        for kind, value in blocks:
            if kind == "p":
                document.add_paragraph(str(value))
            elif kind == "ul":
                for item in value:  # type: ignore[attr-defined]
                    document.add_paragraph(str(item), style="List Bullet")
            else:
                rows = list(value)  # type: ignore[call-overload]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.rows[r].cells[c].text = str(cell)
    document.save(str(target))


def _small_pdf(target: Path, outline: bool) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    def heading(text: str, size: int, level: int) -> None:
        if outline:
            pdf.start_section(text, level=level)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    heading(SMALL_TITLE, 20, 0)
    for title, blocks in SMALL_GUIDE:
        heading(title, 15, 1)
        for kind, value in blocks:
            pdf.set_font("Helvetica", "", 11)
            if kind == "p":
                pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(4)
            elif kind == "ul":
                for item in value:  # type: ignore[attr-defined]
                    pdf.multi_cell(0, 6, f"- {item}", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(4)
            else:
                with pdf.table() as table:
                    for row in value:  # type: ignore[attr-defined]
                        cells = table.row()
                        for cell in row:
                            cells.cell(str(cell))
                pdf.ln(4)
    pdf.output(str(target))
