"""Run a real `redis-server` on a free port of 127.0.0.1, without persistence, for tests.

    python -m tests.support.redis_server            # run one by hand until Ctrl-C

In tests, import the fixture: `from tests.support.redis_server import redis_server  # noqa: F401`.
It skips (with the reason) only when the binary is missing; `make test` installs it, so in CI the
tests run.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest


class RedisStartError(RuntimeError):
    """redis-server did not come up; the message carries the tail of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_binary() -> str | None:
    return shutil.which("redis-server")


def _die_with_parent() -> None:
    """In the child before exec: a killed test run must not leave a server behind (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class RedisServer:
    port: int = 0
    work_dir: Path | None = None
    startup_seconds: float = 0.0
    _process: subprocess.Popen | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.work_dir = Path(self.work_dir or tempfile.mkdtemp(prefix="kepu-redis-"))

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "redis.log"

    def command(self) -> list[str]:
        binary = redis_binary()
        if binary is None:
            raise RedisStartError("redis-server is not installed (apt-get install redis-server)")
        return [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.work_dir), "--logfile", str(self.log_path)]

    def start(self, timeout: float = 15.0) -> float:
        """Start and wait until PING answers; returns the seconds it took."""
        if self.running:
            return self.startup_seconds
        started = time.monotonic()
        self._process = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self.startup_seconds

    def _wait_ready(self, deadline: float) -> None:
        import redis

        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RedisStartError(f"redis-server exited with code {self._process.returncode}:\n{self.log_tail()}")
            try:
                with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1) as client:
                    client.ping()
                return
            except redis.exceptions.ConnectionError as exc:
                last = exc
                time.sleep(0.05)
        raise RedisStartError(f"redis-server on port {self.port} did not answer PING ({last}):\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def flush(self) -> None:
        import redis

        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2) as client:
            client.flushall()

    def stop(self, grace: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture(scope="session")
def redis_server_session(tmp_path_factory) -> Iterator[RedisServer]:
    if redis_binary() is None:
        pytest.skip("redis-server binary not found: install it (apt-get install redis-server; `make test` does)")
    server = RedisServer(work_dir=tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(redis_server_session) -> RedisServer:
    """The session's redis-server, emptied for this test."""
    redis_server_session.flush()
    return redis_server_session


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run redis-server on 127.0.0.1 without persistence.")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    with RedisServer(port=args.port) as server:
        print(f"redis-server ready in {server.startup_seconds:.2f} s\n  KEPU_REDIS_URL={server.url}\nCtrl-C stops it.",
              flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


if __name__ == "__main__":
    main()
