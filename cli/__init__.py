"""The `guide-rag` command: the composition root that wires ingest, evaluation and the server."""
