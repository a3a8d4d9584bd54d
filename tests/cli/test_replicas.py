"""Two replicas serving one bundle behind nginx: load spread over both, a rolling update to a
new bundle that loses no request, and a replica killed mid-load.

Real processes on loopback: `guide-rag serve --bundle` twice, Debian's nginx in front (.ci/run
installs it). The fake model keeps each answer to milliseconds; the model is not the point.
Clients open a connection per request, so that nginx's own graceful close of an idle
keep-alive connection (a client-side race every HTTP/1.1 client retries) is not counted.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from ingest.build import run_ingest
from ingest.bundle import write_bundle
from tests.helpers import GUIDE, NO_CA, fake_settings_for, live_server_process
from tests.nginx import nginx_binary, nginx_in_front

pytestmark = [pytest.mark.server, pytest.mark.system]
QUESTION = "What salary do entry level AI engineers typically start at?"
OLD, NEW = "$90,000 to $130,000", "$95,000 to $135,000"
Replica = tuple[str, subprocess.Popen[bytes]]


@pytest.fixture(scope="module")
def nginx() -> str:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (`apt-get install nginx`; .ci/run installs it)")
    return binary


@pytest.fixture(scope="module")
def bundles(fake_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """v1: the shipped guide, as a folder. v2: the guide with its salaries edited, as a .tar."""
    folder = tmp_path_factory.mktemp("bundles")
    v1 = write_bundle(fake_index.paths.index, fake_index.paths.models, folder / "v1").path
    corpus = folder / "corpus-v2"
    corpus.mkdir()
    edited = GUIDE.read_text(encoding="utf-8").replace(OLD, NEW)
    assert edited != GUIDE.read_text(encoding="utf-8")
    (corpus / GUIDE.name).write_text(edited, encoding="utf-8")
    settings = fake_settings_for(folder / "home-v2", corpus_dir=corpus)
    run_ingest(settings)
    v2 = write_bundle(settings.paths.index, settings.paths.models, folder / "v2.tar").path
    return v1, v2


class Fleet:
    """Replicas started and stopped at will; all stopped at the end."""

    def __init__(self, stack: ExitStack, folder: Path) -> None:
        self.stack = stack
        self.folder = folder
        self.started = 0

    def start(self, bundle: Path) -> Replica:
        self.started += 1
        name = f"replica-{self.started}"
        env = {"GUIDE_RAG_HOME": str(self.folder / name), "GUIDE_RAG_BUNDLE": str(bundle)}
        return self.stack.enter_context(live_server_process(env, self.folder / f"{name}.log"))


@contextmanager
def fleet(folder: Path) -> Iterator[Fleet]:
    with ExitStack() as stack:
        yield Fleet(stack, folder)


def port(replica: Replica) -> int:
    return int(replica[0].rsplit(":", 1)[1])


def answered(replica: Replica, route: str) -> int:
    """Requests the replica answered 200 on `route`, from its own /metrics."""
    text = httpx.get(f"{replica[0]}/metrics", timeout=5, verify=NO_CA).text
    pattern = rf'^guide_rag_requests_total\{{(?=.*route="{re.escape(route)}")(?=.*status="200").*\}} (\S+)$'  # noqa: E501
    return int(sum(float(m.group(1)) for m in re.finditer(pattern, text, re.MULTILINE)))


class Traffic:
    """Client threads sending requests through nginx until stopped (bounded in count and
    time): the outcome of every request, by route, and the /ask answers in order."""

    def __init__(self, base: str, clients: int, *, limit: int = 5000, seconds: float = 300):
        self.base = base
        self.outcomes: dict[str, Counter[str]] = {"/ask": Counter(), "/search": Counter()}
        self.answers: list[str] = []
        self.limit = limit
        self.deadline = time.monotonic() + seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._client, args=(n,)) for n in range(clients)]

    @property
    def done(self) -> int:
        with self._lock:
            return sum(sum(c.values()) for c in self.outcomes.values())

    def _client(self, n: int) -> None:
        # A connection per request: see the module's docstring.
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=self.base, timeout=30, limits=limits, verify=NO_CA) as client:
            i = 0
            while not self._stop.is_set() and self.done < self.limit:
                if time.monotonic() > self.deadline:
                    break
                route = "/search" if (n + i) % 2 else "/ask"
                i += 1
                answer: str | None = None
                try:
                    if route == "/ask":
                        r = client.post(route, json={"question": f"{QUESTION} ({n}.{i})"})
                        answer = r.json()["answer"] if r.status_code == 200 else None
                    else:
                        r = client.get(route, params={"q": f"{QUESTION} ({n}.{i})"})
                    outcome = str(r.status_code)
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                with self._lock:
                    self.outcomes[route][outcome] += 1
                    if answer is not None:
                        self.answers.append(answer)

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def finish(self) -> None:
        """Wait for the clients to reach their limit."""
        for thread in self._threads:
            thread.join(timeout=max(0.0, self.deadline - time.monotonic()))

    def wait_for(self, more: int) -> None:
        target = self.done + more
        while self.done < target:
            assert time.monotonic() < self.deadline and any(t.is_alive() for t in self._threads)
            time.sleep(0.01)

    def failures(self, route: str) -> int:
        with self._lock:
            return sum(n for outcome, n in self.outcomes[route].items() if outcome != "200")


def test_load_is_spread_over_both_replicas(
    nginx: str, bundles: tuple[Path, Path], tmp_path: Path
) -> None:
    with fleet(tmp_path) as replicas:
        a, b = replicas.start(bundles[0]), replicas.start(bundles[0])
        with nginx_in_front(nginx, tmp_path / "nginx", [port(a), port(b)]) as proxy:
            with Traffic(proxy.base, clients=8, limit=400) as traffic:
                traffic.finish()
            assert traffic.failures("/ask") == traffic.failures("/search") == 0
            asks = traffic.outcomes["/ask"]["200"]
            per_replica = [answered(a, "/ask"), answered(b, "/ask")]
    assert sum(per_replica) == asks  # each answered exactly once, by one replica
    assert min(per_replica) >= asks // 4, per_replica  # round robin: both take a fair share


def test_a_rolling_update_to_a_new_bundle_fails_no_request(
    nginx: str, bundles: tuple[Path, Path], tmp_path: Path
) -> None:
    v1, v2 = bundles
    with fleet(tmp_path) as replicas:
        old = [replicas.start(v1), replicas.start(v1)]
        with nginx_in_front(nginx, tmp_path / "nginx", [port(r) for r in old]) as proxy:
            with Traffic(proxy.base, clients=4) as traffic:
                traffic.wait_for(100)
                serving = [port(r) for r in old]
                for i, replica in enumerate(old):  # one replica at a time
                    fresh = replicas.start(v2)  # yields once its /ready is 200
                    serving[i] = port(fresh)
                    proxy.reload(serving)  # returns when no worker routes to `replica`
                    replica[1].send_signal(signal.SIGTERM)  # it finishes what is in flight
                    assert replica[1].wait(timeout=60) in (0, -signal.SIGTERM)
                    traffic.wait_for(100)
                updated = len(traffic.answers)
                traffic.wait_for(100)
            after = traffic.answers[updated:]
            assert traffic.failures("/ask") == traffic.failures("/search") == 0, traffic.outcomes
    answers = traffic.answers
    assert all((OLD in a) != (NEW in a) for a in answers)  # each answer from one whole bundle
    assert OLD in answers[0] and after and all(NEW in a for a in after)


def test_a_replica_killed_mid_load_costs_at_most_its_requests_in_flight(
    nginx: str, bundles: tuple[Path, Path], tmp_path: Path
) -> None:
    clients = 8
    with fleet(tmp_path) as replicas:
        a, b = replicas.start(bundles[0]), replicas.start(bundles[0])
        with nginx_in_front(nginx, tmp_path / "nginx", [port(a), port(b)]) as proxy:
            with Traffic(proxy.base, clients=clients) as traffic:
                traffic.wait_for(200)
                a[1].send_signal(signal.SIGKILL)
                a[1].wait(timeout=30)
                killed_at = traffic.done
                traffic.wait_for(300)
            assert traffic.done > killed_at  # the kill came mid-load
            # Each client has one request in flight at a time: at most `clients` were on the
            # replica that died. nginx sends a GET on to the other replica unless the dead one
            # had begun its response (headers read, body cut), which no proxy can send again.
            failures = traffic.failures("/ask") + traffic.failures("/search")
            assert failures <= clients, traffic.outcomes
            cut = proxy.responses_cut("GET /search")
            assert traffic.failures("/search") <= cut, (traffic.outcomes, proxy.error_log())
            # A request nginx sent on to the other replica (its log names both) was answered.
            retried = [line for line in proxy.access_log() if ", " in line.split('"')[1]]
            assert all(line.split()[2] == "200" for line in retried), retried[:5]
            assert answered(b, "/ask") > 0
