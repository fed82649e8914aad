"""Measuring helpers shared by every benchmark group: latency summaries, memory, machine state."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))  # ceil(share * n)
    return ordered[rank - 1]


def latency_summary(seconds: Iterable[float]) -> dict:
    """Median, p95, p99, mean and max in milliseconds, plus the count."""
    ordered = sorted(seconds)
    if not ordered:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": ms(percentile(ordered, 0.50)),
        "p95_ms": ms(percentile(ordered, 0.95)),
        "p99_ms": ms(percentile(ordered, 0.99)),
        "mean_ms": ms(sum(ordered) / len(ordered)),
        "max_ms": ms(ordered[-1]),
    }


def time_calls(func: Callable, items: Iterable) -> tuple[list[float], list]:
    """Call func(item) for each item; per-call seconds and the results."""
    seconds, results = [], []
    for item in items:
        started = time.perf_counter()
        results.append(func(item))
        seconds.append(time.perf_counter() - started)
    return seconds, results


@contextmanager
def stopwatch():
    """`with stopwatch() as sw: ...` then sw["seconds"]."""
    box = {"seconds": 0.0}
    started = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = round(time.perf_counter() - started, 4)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def rss_mb(pid: int | str = "self") -> float | None:
    """Resident set size now, in MB (from /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": load_average(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
