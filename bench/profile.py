"""Where a running server spends its time: py-spy samples it for a while, we sum the stacks.

py-spy is not a project dependency; install it anywhere (`pip install py-spy`) and it is found on
PATH, in the project venv, or at KEPU_BENCH_PYSPY. Without it the profile is skipped with a note.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from bench.workspace import PROJECT_ROOT

PROJECT_PACKAGES = ("graph/", "ingest/", "qa_service/")
_CANDIDATES = (os.environ.get("KEPU_BENCH_PYSPY", ""), str(PROJECT_ROOT / ".venv" / "bin" / "py-spy"),
               "/tmp/kepu-bench-tools/bin/py-spy")


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    if found:
        return found
    return next((c for c in _CANDIDATES if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """Begin sampling `pid` (and its children: uvicorn workers) for `seconds`; None without py-spy."""
    binary = py_spy()
    if binary is None:
        return None
    command = [binary, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
               "--format", "raw", "--output", str(out), "--subprocesses", "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _frame_name(frame: str) -> str:
    """'func (path/to/module.py:123)' -> 'func (module path)'; line numbers dropped."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", str(PROJECT_ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})" if path else name


def summarise(raw: Path, top: int = 15) -> dict:
    """Shares of samples: by leaf frame (self time) and by project frame on the stack (inclusive)."""
    leaf: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if f]
        total += count
        if frames:
            leaf[frames[-1]] += count
        for frame in dict.fromkeys(frames):
            if any(pkg in frame for pkg in PROJECT_PACKAGES):
                inclusive[frame] += count
    if not total:
        return {"samples": 0}

    def share(counter: Counter) -> list[list]:
        return [[name, round(n / total, 3)] for name, n in counter.most_common(top)]

    # py-spy leaves idle threads out by default, so shares are of the time spent working.
    return {"samples": total, "self": share(leaf),
            "project_inclusive": share(inclusive)}


def finish(process: subprocess.Popen | None, raw: Path, timeout: float = 120) -> dict:
    if process is None:
        return {"skipped": "py-spy not found (pip install py-spy, or set KEPU_BENCH_PYSPY)"}
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    if not raw.exists():
        return {"skipped": f"py-spy wrote nothing: {(err or b'').decode(errors='replace')[-300:]}"}
    return summarise(raw)
