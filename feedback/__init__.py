"""Readers' verdicts on answers: stored append-only in SQLite, exported as training data."""
