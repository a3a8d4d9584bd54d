"""Debian's nginx in front of guide-rag replicas, for tests/cli/test_replicas.py and
bench/replicas.py: a config written into a private folder, nginx run as a child process (no
daemon), and reloaded with another upstream the way an operator does it (`nginx -s reload`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import free_port, wait_answering

# Retries: a request that never reached a replica (connection refused: it is gone or not yet
# listening) goes to the next one, whatever its method; GET /search is also retried after an
# error or a 502/503 mid-way, being idempotent. A POST that reached a replica is never re-sent.
CONFIG = """\
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$request_method $uri $status "$upstream_addr" "$upstream_status"';
    access_log {folder}/access.log upstreams;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    keepalive_requests 100000;
    upstream replicas {{
{servers}
        keepalive 32;
        keepalive_timeout 4s;  # under uvicorn's 5 s: nginx drops an idle connection first
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Request-ID $request_id;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


class NginxError(Exception):
    """nginx refused its config or did not start; the message holds its error log."""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


class Nginx:
    """One nginx master (and its worker) proxying 127.0.0.1:`port` to the upstream ports."""

    def __init__(self, binary: str, folder: Path, upstreams: Sequence[int]) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = folder / "nginx.conf"
        self.upstreams = tuple(upstreams)
        self.proc: subprocess.Popen[bytes] | None = None

    def write(self, upstreams: Sequence[int]) -> None:
        self.upstreams = tuple(upstreams)
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in self.upstreams)
        # As root the workers would run as nobody, who cannot enter this private folder.
        user = "user root;" if os.geteuid() == 0 else ""
        text = CONFIG.format(user=user, folder=self.folder, servers=servers, port=self.port)
        self.config.write_text(text, encoding="utf-8")

    def _nginx(self, *args: str) -> list[str]:
        return [self.binary, "-p", str(self.folder), "-c", str(self.config), *args]

    def start(self) -> None:
        self.write(self.upstreams)
        checked = subprocess.run(self._nginx("-t"), capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            raise NginxError(f"nginx -t refused the config:\n{checked.stderr}")
        self.proc = subprocess.Popen(self._nginx(), stderr=subprocess.DEVNULL)
        failure = wait_answering(self.proc, f"{self.base}/health", 30)
        if failure is not None:
            raise NginxError(f"nginx {failure}:\n{self.error_log()}")

    def workers(self) -> set[int]:
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def reload(self, upstreams: Sequence[int], *, within: float = 60) -> None:
        """Switch to another upstream with `nginx -s reload`; returns once the workers of the
        old config have finished their requests and exited, so none goes to an old replica."""
        old = self.workers()
        self.write(upstreams)
        done = subprocess.run(self._nginx("-s", "reload"), capture_output=True, text=True,
                              check=False)  # fmt: skip
        if done.returncode != 0:
            raise NginxError(f"nginx -s reload failed:\n{done.stderr}")
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            current = self.workers()
            if current and not current & old:
                return
            time.sleep(0.02)
        raise NginxError(f"old nginx workers still running after {within} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish requests in flight
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else "(no error log)"

    def responses_cut(self, request: str) -> int:
        """Requests (`"GET /search"`) whose upstream closed after its response had begun:
        nginx read the headers, so it could not send them to another replica."""
        cut = "upstream prematurely closed connection while reading upstream,"
        return sum(
            cut in line and f'request: "{request}' in line for line in self.error_log().splitlines()
        )

    def access_log(self) -> list[str]:
        path = self.folder / "access.log"
        return path.read_text().splitlines() if path.exists() else []


@contextmanager
def nginx_in_front(binary: str, folder: Path, upstreams: Sequence[int]) -> Iterator[Nginx]:
    folder.mkdir(parents=True, exist_ok=True)
    nginx = Nginx(binary, folder, upstreams)
    try:
        nginx.start()
        yield nginx
    finally:
        nginx.stop()
