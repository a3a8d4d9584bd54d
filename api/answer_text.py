"""An answer as one plain text, the way chat clients and MCP hosts show it: its [n] markers,
then one line per source. Its own module: the stdio MCP server needs it without FastAPI."""

from __future__ import annotations

from retriever.types import Answer


def message_text(answer: Answer) -> str:
    if not answer.citations:
        return answer.text
    sources = "\n".join(f"[{c.n}] {c.section} — {c.document}" for c in answer.citations)
    return f"{answer.text}\n\nSources:\n{sources}"
