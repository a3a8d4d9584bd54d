"""`guide-rag tune`: all-MiniLM-L6-v2 fine-tuned on the train split against the current guides."""
