"""A real PostgreSQL for tests and bench/: Debian's `initdb` and `pg_ctl` in a temp folder, on a
free loopback port, run as the `postgres` user when we are root (initdb refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg

from tests.helpers import free_port

USER = "guide_rag"  # the cluster's superuser; trust authentication on loopback only
NOT_INSTALLED = (
    "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH): "
    "`apt-get install postgresql` (.ci/run does) to test the shared feedback store"
)


def bindir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian keeps them off PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresServer:
    """One cluster: `start()`, `stop()` (it can start again), `url(db)`, `create_database()`."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="guide-rag-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = 0
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")  # made by Debian's package
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([str(self.bin / tool), *args], cwd=self.root, capture_output=True,
                              text=True, **self._as)  # fmt: skip
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stderr}{done.stdout}\n{log}")

    def start(self) -> None:
        self.port = self.port or free_port()  # a restart keeps its port: URLs stay valid
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories="
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def postgres_server(bin_dir: Path) -> Iterator[PostgresServer]:
    """A started cluster, stopped and deleted at the end."""
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        with suppress(RuntimeError):  # never started, or already stopped by the test
            server.stop()
        server.remove()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Read the database as an outsider (not through the store under test)."""
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]
