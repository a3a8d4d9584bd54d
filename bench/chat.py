"""A long chat as chat clients send it: every turn posts the whole conversation so far (system
prompt, every question, every full answer) to /v1/chat/completions of the served corpus.

    .venv/bin/python bench/chat.py [--turns 100] [--out result.json]

Records each turn's body size, status and time, and how the largest body compares with the
chat cap (GUIDE_RAG_MAX_CHAT_BODY_BYTES) and /ask's cap (GUIDE_RAG_MAX_BODY_BYTES).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx
from benchkit import QUESTIONS, environment, percentiles, publish, served_corpus

from config.sections import ServerSection


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    messages: list[dict[str, str]] = [{"role": "system", "content": "You are a helpful bot."}]
    sizes: list[int] = []
    statuses: list[int] = []
    times: list[float] = []
    with served_corpus() as served, httpx.Client(base_url=served.base, timeout=60) as client:
        for turn in range(args.turns):
            messages.append({"role": "user", "content": QUESTIONS[turn % len(QUESTIONS)]})
            body = json.dumps({"model": "guide-rag", "messages": messages}).encode()
            started = time.perf_counter()
            r = client.post("/v1/chat/completions", content=body,
                            headers={"content-type": "application/json"})  # fmt: skip
            times.append((time.perf_counter() - started) * 1000)
            sizes.append(len(body))
            statuses.append(r.status_code)
            if r.status_code != 200:
                break
            messages.append({"role": "assistant",
                             "content": r.json()["choices"][0]["message"]["content"]})  # fmt: skip
    server = ServerSection()
    result = {
        **environment(),
        "turns_answered": sum(s == 200 for s in statuses),
        "turns_sent": len(statuses),
        "statuses": sorted(set(statuses)),
        "last_body_bytes": sizes[-1],
        "body_bytes_at_turn_40": sizes[min(39, len(sizes) - 1)],
        "chat_cap_bytes": server.max_chat_body_bytes,
        "ask_cap_bytes": server.max_body_bytes,
        "turn_ms": percentiles(times),
    }
    publish(result, args.out, f"A {args.turns}-turn chat through /v1/chat/completions")
    return 0 if result["turns_answered"] == args.turns else 1


if __name__ == "__main__":
    sys.exit(main())
