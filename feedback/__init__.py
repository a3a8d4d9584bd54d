"""Readers' verdicts on answers: stored append-only (SQLite, or PostgreSQL for replicas),
exported as training data."""
