"""A FastAPI app with no work of ours, for bench/latency.py: what a request costs around a
handler that computes for N ms, on this machine, with nothing of guide-rag in the path.

    uvicorn bench.wake_app:app  (run by bench/latency.py; never served by guide-rag)
"""

from __future__ import annotations

import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/compute")
def compute(ms: float = 0.0) -> dict[str, float]:
    """Keep the CPU busy for `ms` milliseconds (as an ONNX run does), then answer."""
    started = time.perf_counter()
    while (time.perf_counter() - started) * 1000 < ms:
        pass
    return {"handler_ms": (time.perf_counter() - started) * 1000}
