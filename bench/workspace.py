"""Where a benchmark run works: one temporary directory per run, the shared base data directory
(the shipped plan and the shipped material index), the `kepu` CLI and `kepu serve` as subprocesses.

Every group runs in its own Python process (see bench/run.py) and gets a `Context` as JSON.

    python -m bench.workspace prepare --ctx CTX.json --out OUT.json   # build the base data dir
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.stats import load_average, peak_rss_mb, stopwatch

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_PLANS = sorted((PROJECT_ROOT / "corpus" / "plans").glob("*.txt"))
SHIPPED_MATERIALS = PROJECT_ROOT / "corpus" / "materials"
KEPU = [sys.executable, "-c", "from qa_service.cli import main; main()"]
# Offline models, and the embedded graph store whatever the developer's shell says.
CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
             "KEPU_GRAPH_URI": "", "KEPU_REDIS_URL": ""}


@dataclass
class Context:
    """What every group needs to know about the run."""

    work_dir: str  # temporary root of this run
    base_dir: str  # data dir with the shipped plan and material index (read-only for groups)
    quick: bool = False
    options: dict = field(default_factory=dict)  # group-specific switches (e.g. another graph store)

    @property
    def work(self) -> Path:
        return Path(self.work_dir)

    @property
    def base(self) -> Path:
        return Path(self.base_dir)

    def scratch(self, name: str) -> Path:
        """A fresh directory of this run for one group's own data."""
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def copy_base(self, name: str) -> Path:
        """A writable copy of the base data dir (servers write logs and sessions into theirs)."""
        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(self.base, path, symlinks=True)
        return path


def child_env(data_dir: Path | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **CHILD_ENV}
    if data_dir is not None:
        env["KEPU_DATA_DIR"] = str(data_dir)
    env.update(extra or {})
    return env


def kepu(args: list[str], data_dir: Path, env: dict[str, str] | None = None, timeout: float = 1800) -> float:
    """Run the `kepu` CLI as a user would; returns its wall seconds, raises with its output on failure."""
    started = time.perf_counter()
    done = subprocess.run([*KEPU, "--data-dir", str(data_dir), *args], cwd=PROJECT_ROOT,
                          env=child_env(data_dir, env), capture_output=True, text=True, timeout=timeout,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"kepu {' '.join(args)} exited {done.returncode}:\n{done.stdout[-1500:]}\n"
                           f"{done.stderr[-3000:]}")
    return round(seconds, 3)


def settings_for(data_dir: Path, **overrides):
    from dataclasses import replace

    from graph.settings import Settings

    return replace(Settings.from_env(data_dir), **{"graph_uri": "", "redis_url": "", **overrides})


# --- the base data directory --------------------------------------------------------------------

def prepare(ctx: Context) -> dict:
    """Ingest the shipped plan (CLI) and index the shipped material in-process, timed."""
    base = ctx.base
    base.mkdir(parents=True, exist_ok=True)
    plan_cli = [kepu(["ingest", "plan", str(path)], base) for path in SHIPPED_PLANS]
    from graph.encoder.factory import get_encoder
    from ingest.corpus_indexer import build_index

    settings = settings_for(base)
    with stopwatch() as model:
        encoder = get_encoder(settings)
    load = load_average()
    with stopwatch() as build:
        report = build_index(settings, encoder, SHIPPED_MATERIALS)
    return {
        "plan_cli_seconds": plan_cli,
        "model_load_seconds": model["seconds"],
        "materials": report.materials,
        "entries": report.entries,
        "embedded": report.embedded,
        "build_seconds": build["seconds"],
        "entries_per_second": round(report.embedded / build["seconds"], 1) if build["seconds"] else None,
        "load_average_before": load,
        "load_average": load_average(),
        "peak_rss_mb": peak_rss_mb(),
    }


# --- `kepu serve` -------------------------------------------------------------------------------

def serve_command(port: int, workers: int = 0) -> tuple[list[str], str]:
    """`kepu serve` on 127.0.0.1:`port`, and how the report names it."""
    command = [*KEPU, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    return command, "kepu serve"


def server_class():
    """tests.support.live_server.LiveServer, started with `kepu serve` (production settings)."""
    from tests.support.live_server import LiveServer

    class KepuServe(LiveServer):
        def __init__(self, data_dir: Path, env: dict[str, str] | None = None, workers: int = 0, **kw):
            super().__init__(data_dir, env={**CHILD_ENV, **(env or {})}, **kw)
            self.serve_workers = workers
            self.how = ""

        def command(self) -> list[str]:
            command, self.how = serve_command(self.port, self.serve_workers)
            return command

        @property
        def pid(self) -> int | None:
            return self._process.pid if self._process is not None else None

    return KepuServe


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# --- one group in its own process ---------------------------------------------------------------

def group_main(run: Callable[[Context], dict], argv: list[str] | None = None) -> None:
    """Entry point of a group module: `python -m bench.X --ctx CTX.json --out OUT.json`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--ctx", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.update(CHILD_ENV)
    ctx = Context(**json.loads(args.ctx.read_text(encoding="utf-8")))
    result = run(ctx)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


def write_context(ctx: Context, path: Path) -> None:
    path.write_text(json.dumps(asdict(ctx)), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        group_main(prepare, sys.argv[2:])
    else:
        sys.exit("usage: python -m bench.workspace prepare --ctx CTX.json --out OUT.json")
