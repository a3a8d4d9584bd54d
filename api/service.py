"""What the routes serve from: the loaded QA, or why there is none yet; and its hot swap."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import anyio

from api.adaptation import Adaptation
from api.compute import Compute
from api.errors import NotReadyError, RateLimitedError
from config.settings import Settings
from feedback.open import open_store
from retriever.errors import GuideRagError
from retriever.index import current_build
from retriever.qa import QA
from retriever.types import Answer

log = logging.getLogger("guide_rag.api")
RECENT = 2000  # answers remembered for feedback (about 2 KB each)


@dataclass(frozen=True, slots=True)
class Given:
    question: str
    answer: Answer
    build_id: str
    model: str


class RecentAnswers:
    """The last RECENT answers by id, oldest forgotten first."""

    def __init__(self, size: int = RECENT) -> None:
        self.size = size
        self._answers: OrderedDict[str, Given] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, given: Given, answer_id: str | None = None) -> str:
        answer_id = answer_id or f"ans_{uuid.uuid4().hex[:24]}"
        with self._lock:
            self._answers[answer_id] = given
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> Given | None:
        with self._lock:
            return self._answers.get(answer_id)


class RateLimit:
    """A token bucket: `per_second` on average, bursts of twice that."""

    def __init__(self, per_second: float) -> None:
        self.rate = per_second
        self.capacity = 2 * per_second
        self.tokens = self.capacity
        self.at = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> None:
        """One token, or RateLimitedError."""
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens < 1:
                raise RateLimitedError("too many verdicts; retry in a second")
            self.tokens -= 1


class Service:
    def __init__(
        self, settings: Settings, qa: QA | None = None, adaptation: Adaptation | None = None
    ) -> None:
        self.adaptation = adaptation or Adaptation()
        self.settings = settings
        self.serving = settings.serving()
        self.qa = qa
        self.error: GuideRagError | None = None
        self.loaded = threading.Event()
        self._lock = threading.Lock()
        self._tried: str | None = None  # the published build the last failed first load tried
        self.answers = RecentAnswers()
        self.compute = Compute()
        threads = settings.feedback.feedback_threads
        self.feedback = open_store(url=settings.feedback_url, db=settings.feedback_db,
                                   max_rows=settings.feedback.feedback_max_rows,
                                   connections=threads)  # fmt: skip
        # The store's own threads: a database that hangs holds these, never those of /ask.
        self.feedback_threads = anyio.CapacityLimiter(threads)
        self.feedback_rate = RateLimit(settings.feedback.feedback_per_second)
        if qa is not None:
            self.loaded.set()

    def load(self) -> None:
        """The first load, beside the server: /health answers meanwhile, /ready tells the end."""
        try:
            with self._lock:
                self._load_first()
        finally:
            self.loaded.set()

    def _load_first(self) -> None:
        self._tried = _published(self.serving.index_dir)
        try:
            qa = QA.load(self.serving)
            qa.warm_up()  # /ready means ready: the first /ask does not open the session
            self.qa = qa
            self.error = None
            m = self.qa.build.manifest
            log.info("ready: %d chunks of build %s (model %s)", m.chunk_count, m.build_id,
                     m.model.name)  # fmt: skip
        except GuideRagError as exc:
            self.error = exc
            log.error("cannot serve: %s", exc)
        except Exception as exc:  # a bug, not a bad index: still tell /ready instead of hanging
            log.exception("loading failed")
            self.error = NotReadyError(f"loading failed ({type(exc).__name__}); see the server log")

    def reload(self) -> bool:
        """Serve the published build if it is not the one served; True if it changed.

        With nothing served yet (a failed first load), the first good build is loaded. Requests
        already running keep the QA they started with; the next ones get the new one. A build
        that fails to load is logged and the old one stays in service.
        """
        with self._lock:
            current = self.qa
            if current is None:
                published = _published(self.serving.index_dir)
                if published is None or published == self._tried:
                    return False  # nothing new to try: the failure is already in /ready
                self._load_first()
                return self.qa is not None
            try:
                published = current_build(self.serving.index_dir).name
                if published == current.build.manifest.build_id:
                    return False
                # The model is kept when the new build names the same one: only the index is
                # new. A build made with another model brings that model in with it.
                fresh = QA.load(self.serving, embedder=current.embedder)
                fresh.warm_up()
            except GuideRagError as exc:
                log.error("kept build %s: %s", current.build.manifest.build_id, exc)
                return False
            self.qa = fresh
            log.info("now serving build %s", fresh.build.manifest.build_id)
            return True

    def watch(self, stop: threading.Event) -> None:
        """Poll the CURRENT pointer; a newly published index is served without a restart."""
        while not stop.wait(self.settings.server.reload_seconds):
            try:
                self.reload()
            except Exception:  # a watcher that dies would silently stop following the index
                log.exception("reload check failed")

    def require(self) -> QA:
        qa = self.qa
        if qa is not None:
            return qa
        if self.error is not None:
            raise self.error
        raise NotReadyError("the index and model are still loading; retry in a few seconds")


def _published(index_dir: Path) -> str | None:
    try:
        return current_build(index_dir).name
    except GuideRagError:
        return None
