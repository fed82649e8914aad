"""Run the kepu app in a real uvicorn server on a free 127.0.0.1 port, with a given data directory.

    prepare_data_dir(data_dir, plans=[PLAN], materials=corpus_dir)     # `kepu ingest …` as a user would
    with LiveServer(data_dir, env={"KEPU_ADMIN_TOKEN": "t"}) as server:
        httpx.get(server.url + "/matrix")

    python -m tests.support.live_server --data-dir D [--port 8001]      # by hand, until Ctrl-C

The server is `uvicorn qa_service.app:create_app --factory` in a child process that reads its
settings from the environment (KEPU_DATA_DIR …), exactly like `make run`; it gets SIGTERM if the
test process dies, and its output goes to a log file whose tail is shown when it fails to start.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PLAN = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
SHIPPED_MATERIALS = PROJECT_ROOT / "corpus" / "materials"
# Offline model loading, and the embedded graph store whatever the developer's shell says.
CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
             "KEPU_GRAPH_URI": ""}


class ServerStartError(RuntimeError):
    """The server did not answer in time; the message carries the tail of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process goes away (Linux; else a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def child_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **CHILD_ENV, "KEPU_DATA_DIR": str(data_dir)}
    env.update(extra or {})
    return env


def kepu(args: list[str], data_dir: Path, env: dict[str, str] | None = None, timeout: float = 1800) -> str:
    """Run the `kepu` CLI as a user would; raises with its output when it fails."""
    command = [sys.executable, "-c", "from qa_service.cli import main; main()", "--data-dir", str(data_dir), *args]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=child_env(data_dir, env), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"kepu {' '.join(args)} failed with exit {done.returncode}:\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def prepare_data_dir(data_dir: Path, plans: Iterable[Path] = (SHIPPED_PLAN,), materials: Path | None = None,
                     env: dict[str, str] | None = None) -> Path:
    """Ingest `plans` (and a material directory, which needs the real model) into `data_dir`."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        kepu(["ingest", "plan", str(plan)], data_dir, env)
    if materials is not None:
        kepu(["ingest", "corpus", str(materials)], data_dir, env)
    return data_dir


class LiveServer:
    """One uvicorn process serving the kepu app on 127.0.0.1:`port`."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, port: int = 0,
                 log_path: Path | None = None, ready_path: str = "/openapi.json", workers: int = 1):
        self.data_dir = Path(data_dir)
        self.env = dict(env or {})
        self.port = port or free_port()
        self.log_path = Path(log_path) if log_path else self.data_dir.parent / f"uvicorn-{self.port}.log"
        self.ready_path = ready_path
        self.workers = workers
        self.startup_seconds = 0.0
        self._process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "uvicorn", "qa_service.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        return command

    def start(self, timeout: float = 300.0) -> float:
        """Start and wait until `ready_path` answers 200; returns the seconds it took."""
        if self._process is not None:
            return self.startup_seconds
        if not port_is_free(self.port):
            # Another server there would answer the readiness check in our place.
            raise ServerStartError(f"port {self.port} on 127.0.0.1 is already in use")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        started = time.monotonic()
        self._process = subprocess.Popen(self.command(), cwd=PROJECT_ROOT, env=child_env(self.data_dir, self.env),
                                         stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        while time.monotonic() - started < timeout:
            if self._process.poll() is not None:
                self._fail(f"server exited with code {self._process.returncode}")
            try:
                ready = httpx.get(self.url + self.ready_path, timeout=5.0).status_code == 200
                if ready and self._process.poll() is None:
                    self.startup_seconds = time.monotonic() - started
                    return self.startup_seconds
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self._fail(f"server did not answer {self.ready_path} within {timeout:.0f}s")
        return 0.0

    def _fail(self, why: str) -> None:
        self.stop()
        tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log_path.exists() else ""
        raise ServerStartError(f"{why}; log {self.log_path}:\n{tail}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log_path.exists() else ""

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the kepu app on 127.0.0.1 for manual checks.")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with LiveServer(args.data_dir, port=args.port) as server:
        print(f"serving {server.url} (log {server.log_path}); Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
