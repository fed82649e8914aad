"""`kepu ingest plan` over several files or directories: which files, and parsing them all first.

Every file is parsed before anything is written; the plans then go to the store in one
generation (GraphStore.put_plans), so a bad file, or two files that would get the same plan id,
leave the graph exactly as it was.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.records import PlanRecord
from graph.unit_registry import UnitRegistry
from qa_service.cli.base import err_console

log = logging.getLogger(__name__)

PLAN_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".docx", ".pdf")
PROGRESS_FROM = 2  # show a progress bar from this many files on


class BatchError(Exception):
    """A problem with the paths given (the Chinese message is for the user)."""


def collect_plan_files(paths: list[Path]) -> list[Path]:
    """The plan files named, directories expanded to the plan files directly inside them."""
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES
                            and not p.name.startswith((".", "~$")))
            if not inside:
                raise BatchError(f"目录 {path} 中没有可导入的方案文件（.txt、.md、.docx、.pdf）。")
        elif path.is_file():
            inside = [path]
        else:
            raise BatchError(f"找不到方案文件：{path}")
        for file in inside:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


@dataclass
class BatchResult:
    plans: list[PlanRecord] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the file of each plan
    reports: list = field(default_factory=list)  # the ParseReport of each plan
    problems: list[str] = field(default_factory=list)  # one Chinese line per file that failed
    seconds: float = 0.0


def parse_plan_files(files: list[Path], registry: UnitRegistry) -> BatchResult:
    """Parse every file (all of them, to report every problem at once), with a progress bar."""
    from ingest.errors import IngestError
    from ingest.plan_parser import parse_plan_with_report

    result = BatchResult()
    started = time.perf_counter()
    columns = (TextColumn("解析方案"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=err_console, transient=True,
                  disable=len(files) < PROGRESS_FROM) as progress:
        task = progress.add_task("", total=len(files))
        for file in files:
            progress.update(task, description=file.name)
            try:
                plan, report = parse_plan_with_report(file, registry=registry)
                result.plans.append(plan)
                result.reports.append(report)
                result.files.append(file)
            except IngestError as exc:
                log.info("Rejected plan %s: %s", file, exc)
                result.problems.append(exc.user_message)
            except OSError as exc:
                log.error("Cannot read plan %s: %s", file, exc)
                result.problems.append(f"无法读取方案文件 {file}：{exc.strerror or exc}")
            progress.advance(task)
    result.problems += _same_ids(result.files, result.plans)
    result.seconds = time.perf_counter() - started
    return result


def _same_ids(files: list[Path], plans: list[PlanRecord]) -> list[str]:
    """Two files whose plans would get one id would overwrite each other in the same write."""
    by_id: dict[str, list[str]] = {}
    for file, plan in zip(files, plans, strict=True):
        by_id.setdefault(plan.id, []).append(str(file))
    return [f"文件{'、'.join(f'“{n}”' for n in named)}会得到同一个方案编号 {pid}，请改名后再导入。"
            for pid, named in by_id.items() if len(named) > 1]
