"""`python -m ingest [PATHS...]`: the same as `guide-rag ingest`."""

from api.cli import ingest_main

ingest_main()
