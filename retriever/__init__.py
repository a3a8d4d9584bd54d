"""The read side, the lowest layer: the index contract, embedding, search and cited answers.

Nothing here imports `ingest`, `evaluation`, `api` or `cli` (tests/test_architecture.py).
"""
