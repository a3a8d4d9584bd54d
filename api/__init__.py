"""HTTP and command-line edges of guide-rag."""
