"""Adaptation beside serving: `guide-rag tune` then `guide-rag ingest`, run as subprocesses
(torch never enters the server), while the server answers with the model it has. When ingest
publishes the adapted build, the server's index watcher swaps it in with its model, warmed up
first, so no request fails. /ready reports the state.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger("guide_rag.api")
State = Literal["off", "waiting", "running", "done", "failed"]


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    detail: str


class Adaptation:
    def __init__(self, commands: Sequence[Sequence[str]] = ()) -> None:
        self.commands = [list(c) for c in commands]
        self._status = Status("waiting" if commands else "off", "")
        self._lock = threading.Lock()

    @property
    def status(self) -> Status:
        with self._lock:
            return self._status

    def _set(self, state: State, detail: str) -> None:
        with self._lock:
            self._status = Status(state, detail)

    def start(self) -> None:
        if self.commands:
            threading.Thread(target=self.run, name="guide-rag-adapt", daemon=True).start()

    def run(self) -> None:
        """Each command in turn; the first that fails stops the rest (the served index stays)."""
        started = time.monotonic()
        self._set("running", "adapting the model to the guides")
        for command in self.commands:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode not in (0, 3):  # ingest's 3: published, some guides skipped
                lines = (done.stderr or done.stdout).strip().splitlines()
                reason = lines[-1] if lines else f"exit {done.returncode}"
                log.error("adaptation failed: %s", reason)
                self._set("failed", reason)
                return
        seconds = time.monotonic() - started
        log.info("adaptation done in %.0f s", seconds)
        self._set("done", f"adapted and published in {seconds:.0f} s")
