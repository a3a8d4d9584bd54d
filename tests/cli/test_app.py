"""The `guide-rag` command: real exit codes and one-line errors, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config.settings import Settings
from retriever.index import load_index
from tests.helpers import EVAL_DIR, GUIDE


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_ask_without_an_index_says_how_to_fix_it(tmp_path: Path) -> None:
    result = run("ask", "What do AI engineers earn?", "--index-dir", str(tmp_path / "none"))
    assert_one_line_error(result, "no index at", "run `guide-rag ingest`")


def test_serve_without_an_index_refuses_in_one_line(tmp_path: Path) -> None:
    result = run("serve", env={"GUIDE_RAG_INDEX_DIR": str(tmp_path / "none")})
    assert_one_line_error(result, "no index at")


def test_mcp_without_an_index_refuses_in_one_line_and_says_nothing_on_stdout(
    tmp_path: Path,
) -> None:
    result = run("mcp", env={"GUIDE_RAG_INDEX_DIR": str(tmp_path / "none")})
    assert_one_line_error(result, "no index at", "run `guide-rag ingest`")
    assert result.stdout == ""  # stdout is the protocol's


def test_ingest_of_a_missing_path(tmp_path: Path) -> None:
    assert_one_line_error(run("ingest", str(tmp_path / "missing.txt")), "no such file or directory")


def test_ingest_of_an_empty_folder(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path), "--index-dir", str(tmp_path / "index"))
    assert_one_line_error(result, "no guides in")
    assert not (tmp_path / "index").exists()


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run("serve", env={"GUIDE_RAG_PORT": "not-a-port"}), "port")
    assert_one_line_error(run("ask", "hi", env={"GUIDE_RAG_MIN_SCORE": "high"}), "min_score")
    not_postgres = run("feedback", "export", env={"GUIDE_RAG_FEEDBACK_URL": "mysql://u:pw@h/db"})
    assert_one_line_error(not_postgres, "feedback_url", "must be a postgresql:// URL")
    assert ":pw@" not in not_postgres.stderr  # a password is not echoed
    malformed = run("feedback", "export", env={"GUIDE_RAG_FEEDBACK_URL": "postgresql://[::1"})
    assert_one_line_error(malformed, "GUIDE_RAG_FEEDBACK_URL does not parse")


def test_usage_errors_exit_2() -> None:
    result = run("ask")
    assert result.returncode == 2 and "Traceback" not in result.stderr


FAKE = {"GUIDE_RAG_MODEL": "fake-embedder"}  # the real model's answers: tests/retriever


def test_ingest_ask_and_search_end_to_end_from_any_folder(tmp_path: Path) -> None:
    index = tmp_path / "index"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:  # from a folder that is not home
        return run_in(elsewhere, *args)

    first = run("ingest", str(GUIDE), "--index-dir", str(index), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    # Each chunk twice (with its section title, alone), then each of its answer sentences.
    assert report["documents"] == 1 and report["embedded"] > 2 * report["chunks"] > 80

    again = run("ingest", str(GUIDE), "--index-dir", str(index))
    assert again.returncode == 0 and "up to date" in again.stdout

    asked = run("ask", "What salary do entry level AI engineers typically start at?",
                "--index-dir", str(index))  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "$90,000 to $130,000" in asked.stdout
    assert "Sources:" in asked.stdout and "[1] Career growth opportunities" in asked.stdout

    found = run(
        "search", "ML engineer career paths", "-k", "2", "--index-dir", str(index), "--json"
    )
    hits = json.loads(found.stdout)["hits"]
    assert [h["rank"] for h in hits] == [1, 2]
    assert set(hits[0]) == {"rank", "document", "section", "chunk_id", "score", "text"}

    # --json is the HTTP answer's shape (the same to_dict), less the server's timing.
    as_json = run("ask", "ML engineers see similar ranges?", "--index-dir", str(index), "--json")
    answer = json.loads(as_json.stdout)
    assert set(answer) == {"answer", "abstained", "social", "citations", "read_with"}
    assert set(answer["citations"][0]) == {"n", "document", "section", "chunk_id", "score", "text"}


def run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(*args, env=FAKE, cwd=cwd)


def test_a_malformed_eval_file_is_one_line(tmp_path: Path, fake_index: Settings) -> None:
    index = fake_index.paths.index
    bad = tmp_path / "eval"
    bad.mkdir()
    (bad / "questions.jsonl").write_text('{"id": "q1", "question": "hi"\n', encoding="utf-8")
    (bad / "out_of_scope.jsonl").write_text("", encoding="utf-8")
    result = run_in(tmp_path, "eval", "--index-dir", str(index), "--eval-dir", str(bad))
    assert_one_line_error(result, "questions.jsonl", "not valid JSON lines")


def test_a_malformed_follow_up_file_is_one_line(tmp_path: Path, fake_index: Settings) -> None:
    index = fake_index.paths.index
    bad = tmp_path / "eval"
    bad.mkdir()
    for name in ("questions.jsonl", "out_of_scope.jsonl"):
        (bad / name).write_text((EVAL_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "followups.jsonl").write_text('{"id": "f1", "turns": "not a list"}\n', "utf-8")
    result = run_in(tmp_path, "eval", "--index-dir", str(index), "--eval-dir", str(bad))
    assert_one_line_error(result, "followups.jsonl", "malformed")


def test_the_command_list_gives_each_summary_whole_on_its_row() -> None:
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    names = ("ingest", "tune", "bundle", "ask", "chat", "search", "serve", "mcp", "eval",
             "feedback")  # fmt: skip
    rows = {n: line for line in result.output.splitlines() for n in names
            if line.startswith(f"│ {n} ")}  # fmt: skip
    assert set(rows) == set(names), result.output
    # A summary broken at its docstring's line ends left the row without its full stop.
    assert all(row.rstrip(" │").endswith(".") for row in rows.values()), rows
    assert (
        "publish a new index atomically (with the model's abstention calibration)."
        in rows["ingest"]
    )


def test_ingest_keeps_numba_out_and_its_bm25_still_ranks(tmp_path: Path) -> None:
    """bm25s imports numba wherever it is installed; ingest needs it for nothing."""
    script = (
        "import sys\nfrom cli.app import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
        "print(sys.modules.get('numba', 'never imported'), code, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "ingest", str(GUIDE), "--index-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env={**os.environ, **FAKE},
    )  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "None 0", done.stderr  # blocked, not loaded
    built = load_index(tmp_path)
    scores = built.lexical.scores("entry level AI engineer salary")
    best = built.chunks[int(scores.argmax())]
    assert best.section.startswith("Career growth opportunities") and scores.max() > 0


def test_ask_and_search_keep_to_the_guides_named(tmp_path: Path, fake_index: Settings) -> None:
    index = str(fake_index.paths.index)
    guide = "ai-vs-ml-engineering-career-guide"
    asked = run_in(tmp_path, "ask", "What salary do entry level AI engineers typically start at?",
                   "--index-dir", index, "--document", guide, "--json")  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert {c["document"] for c in json.loads(asked.stdout)["citations"]} == {guide}
    unknown = run_in(tmp_path, "search", "salary", "--index-dir", index, "-d", guide, "-d", "nope")
    assert_one_line_error(unknown, "documents: unknown document id 'nope'; known: " + guide)
