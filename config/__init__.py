"""Configuration: the one settings object, read from GUIDE_RAG_* once (config.settings)."""
