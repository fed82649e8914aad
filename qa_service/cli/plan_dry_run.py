"""`kepu ingest plan FILE --dry-run`: the 责任分工表 a plan would give and what the parser was unsure
of, without writing anything to the graph (json/xlsx go to --output or, for json, stdout); and
`kepu eval plans DIR`: parsed plans scored against hand-labelled .gold.json files."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import typer
from rich.table import Column, Table

from graph.errors import GraphError
from graph.fsutil import atomic_write_bytes
from graph.settings import Settings
from graph.store.export import TABLE_HEADER, export_plans, responsibility_table
from graph.unit_registry import UnitRegistry
from qa_service.cli.base import console, err_console, eval_app, fail

log = logging.getLogger(__name__)


def dry_run_plans(
    settings: Settings, files: list[Path], plan_id: str | None, fmt: str, output: Path | None
) -> None:
    from ingest.errors import IngestError
    from ingest.plan_parser import parse_plan_with_report

    if plan_id is not None and len(files) > 1:
        fail(f"--plan-id 只能在解析单个文件时使用（本次共 {len(files)} 个文件）。")
    try:
        registry = UnitRegistry.shared(settings.unit_registry)
    except GraphError as exc:
        fail(exc.user_message)
    results = []
    for path in files:
        try:
            results.append(parse_plan_with_report(path, plan_id=plan_id, registry=registry))
        except IngestError as exc:
            log.info("Rejected plan %s: %s", path, exc)
            fail(exc.user_message)
        except OSError as exc:
            fail(f"无法读取方案文件 {path}：{exc.strerror or exc}")
    plans = [plan for plan, _ in results]
    if fmt == "xlsx":
        _write(output, export_plans(plans, "xlsx"))
        err_console.print(f"（试解析，未写入图谱）已把责任分工表写到 {output}。", highlight=False)
        for _, report in results:
            _print_report(report, err=True)
        return
    if fmt == "json":
        data = [
            {
                "plan": {"id": p.id, "title": p.title, "region": p.region, "source_file": p.source_file},
                "measures": json.loads(export_plans([p], "json")),
                "report": r.to_dict(),
            }
            for p, r in results
        ]
        text = json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text.encode("utf-8"))
            err_console.print(f"（试解析，未写入图谱）已写到 {output}。", highlight=False)
        return
    for plan, report in results:
        table = Table(
            *(Column(h, overflow="fold") for h in TABLE_HEADER), title=f"责任分工表：{plan.title or plan.id}"
        )
        for row in responsibility_table(plan):
            table.add_row(*(str(c) for c in row))
        console.print(table)
        _print_report(report)
    console.print("（试解析：未写入图谱。）", highlight=False)


def _print_report(report, err: bool = False) -> None:
    target = err_console if err else console
    target.print("需要核对的地方：", highlight=False)
    for line in report.lines():
        target.print(f"  - {line}", highlight=False, soft_wrap=True, markup=False)


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        fail(f"无法写入文件 {path}：{exc.strerror or exc}")


@eval_app.command("plans")
def eval_plans(
    directory: Path = typer.Argument(..., metavar="DIR", help="放有方案文件及其 .gold.json 标注的目录"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="列出每一条不一致"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出汇总"),
) -> None:
    """用人工标注（<方案>.gold.json）评测方案解析：找到的条目、单位完全一致、牵头单位完全一致。"""
    from ingest.plan_eval import evaluate_dir, format_report, gold_pairs

    if not directory.is_dir():
        fail(f"目录不存在：{directory}")
    if not gold_pairs(directory):
        fail(f"目录 {directory} 中没有成对的方案文件和 .gold.json 标注文件。")
    try:
        report = evaluate_dir(directory)
    except (ValueError, KeyError) as exc:
        fail(f"标注文件格式有误：{exc}")
    if as_json:
        sys.stdout.write(json.dumps(report.summary(), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(format_report(report, verbose), highlight=False, markup=False, soft_wrap=True)
