"""Ingest guides into a guide-rag index directory."""
