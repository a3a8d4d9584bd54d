"""The bounds of one question, shared by the API's schema, the CLI and the QA that enforces them."""

MAX_K = 20  # passages a caller may ask for
MAX_QUESTION_CHARS = 1000
MAX_HISTORY = 20  # earlier questions of a chat read with a follow-up
