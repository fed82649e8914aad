"""Run a real throwaway PostgreSQL server on a free port of 127.0.0.1 for tests.

    python -m tests.support.postgres_server         # run one by hand until Ctrl-C

initdb in a fresh temporary directory, `pg_ctl start` with fsync off (a test server), trust
authentication on 127.0.0.1 only. PostgreSQL refuses to run as root: as root (CI) the server runs
as the `postgres` user that Debian's package creates, in a directory handed to that user.

In tests: `from tests.support.postgres_server import postgres_server  # noqa: F401`. The fixture
skips (with the reason) only when the binaries are missing; `make test` installs them.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.redis_server import free_port

SUPERUSER = "kepu"


class PostgresStartError(RuntimeError):
    """The server did not come up; the message carries the tail of its log."""


def postgres_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


@dataclass
class PostgresServer:
    port: int = 0
    work_dir: Path | None = None
    startup_seconds: float = 0.0
    _run_as: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        # Not under pytest's 0700 tmp dirs: the postgres user must be able to reach it.
        self.work_dir = Path(self.work_dir or tempfile.mkdtemp(prefix="kepu-pg-"))
        self._run_as = "postgres" if os.geteuid() == 0 else None

    @property
    def data_dir(self) -> Path:
        return self.work_dir / "data"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, tool: str, *args: str) -> list[str]:
        bindir = postgres_bindir()
        if bindir is None:
            raise PostgresStartError("PostgreSQL is not installed (apt-get install postgresql)")
        command = [str(bindir / tool), *args]
        if self._run_as:
            if not shutil.which("runuser"):
                raise PostgresStartError("running as root needs runuser to start PostgreSQL as 'postgres'")
            command = ["runuser", "-u", self._run_as, "--", *command]
        return command

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            self._cmd(tool, *args), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0:
            raise PostgresStartError(
                f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{self.log_tail()}"
            )

    def start(self, timeout: float = 60.0) -> float:
        started = time.monotonic()
        if self._run_as:
            user = pwd.getpwnam(self._run_as)
            os.chown(self.work_dir, user.pw_uid, user.pw_gid)
        self.work_dir.chmod(0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.work_dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(int(timeout)),
            "start",
            timeout=timeout + 10,
        )
        self.startup_seconds = time.monotonic() - started
        return self.startup_seconds

    @property
    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = name or f"kepu_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.running:
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", timeout=30)
            except (PostgresStartError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture(scope="session")
def postgres_server_session() -> Iterator[PostgresServer]:
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL not found: install it (apt-get install postgresql; `make test` does)")
    server = PostgresServer()
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server_session) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server_session.create_database()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run a throwaway PostgreSQL on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    with PostgresServer(port=args.port) as server:
        print(
            f"PostgreSQL ready in {server.startup_seconds:.2f} s\n  KEPU_DATABASE_URL={server.create_database()}\n"
            "Ctrl-C stops it.",
            flush=True,
        )
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


if __name__ == "__main__":
    main()
