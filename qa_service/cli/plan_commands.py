"""Plan commands: `kepu ingest plan`, `kepu plans`, `kepu remove`, `kepu sparql`, `kepu export`, `kepu units`.

Every command opens the store the settings name (embedded oxigraph under --data-dir by default).
Bad input exits 2 with a Chinese message on stderr and writes nothing. `kepu ingest plan` takes
several files and directories: all are parsed first and written as one generation (plan_batch).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path

import typer
from rich.table import Column, Table

from graph.errors import GraphError, PlanNotFound
from graph.fsutil import atomic_write_bytes
from graph.records import PlanRecord
from graph.roles import ROLE_NAMES, role_of
from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.export import FORMATS, export_plans
from graph.store.factory import open_store
from graph.unit_identity import plan_scope, scope_label, units_of
from graph.unit_registry import UnitRegistry
from qa_service.cli.base import app, console, err_console, fail, ingest_app, settings_of
from qa_service.cli.plan_batch import BatchError, collect_plan_files, parse_plan_files

log = logging.getLogger(__name__)

_BAD_PLAN_ID = re.compile(r"[\s/\\]")
_TEXT_FORMATS = {"json", "turtle", "jsonld", "csv"}


def _store(settings: Settings) -> GraphStore:
    try:
        return open_store(settings)
    except GraphError as exc:
        log.error("Cannot open graph store under %s: %s", settings.graph_dir, exc)
        fail(exc.user_message)
        raise  # unreachable: fail() exits


def _all_plans(store: GraphStore) -> list[PlanRecord]:
    try:
        return store.plans()
    except GraphError as exc:
        log.error("Cannot read plans: %s", exc)
        fail(exc.user_message)
        raise


def plan_summary(plan: PlanRecord) -> str:
    """The Chinese line printed after an ingest."""
    units = {name for m in plan.measures for name in m.all_units}
    targets = sum(len(m.targets) for m in plan.measures)
    return (
        f"已导入方案《{plan.title}》（编号 {plan.id}）：措施 {len(plan.measures)} 条，"
        f"涉及单位 {len(units)} 个，目标 {targets} 项（另有方案总体目标 {len(plan.goals)} 项），"
        f"未识别单位 {len(plan.unresolved_units)} 个。"
    )


@ingest_app.command("plan")
def ingest_plan(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH", help="方案文件（txt、md、docx 或 pdf）或目录（导入其中全部方案文件），可给多个"),
    plan_id: str = typer.Option(None, "--plan-id", help="方案编号（仅限导入单个文件；默认由文件名生成）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只解析并显示将写入的责任分工表和需要核对的地方，不写入图谱"),
    fmt: str = typer.Option("table", "--format", "-f", help="--dry-run 的输出格式：table、json 或 xlsx"),
    output: Path = typer.Option(None, "--output", "-o", help="--dry-run 时把 json 或 xlsx 写到这个文件"),
) -> None:
    """解析方案文件并写入图谱；同一编号的方案整体替换。多个文件先全部解析，再一次性写入：
    任何一个文件有问题，都不写入。加 --dry-run 只显示结果、不写入。"""
    settings = settings_of(ctx)
    fmt = fmt.lower()
    if fmt not in ("table", "json", "xlsx"):
        fail(f"不支持的输出格式：{fmt}（可选：table、json、xlsx）")
    if fmt != "table" and not dry_run:
        fail("--format 只用于 --dry-run；导入后请用 kepu export 导出。")
    if fmt == "xlsx" and output is None:
        fail("xlsx 是二进制文件，请用 -o 指定输出文件，例如 -o 责任分工表.xlsx")
    if plan_id is not None and (not plan_id or _BAD_PLAN_ID.search(plan_id)):
        fail(f"方案编号不能为空，也不能包含空白、“/”或“\\”：{plan_id!r}")
    try:
        files = collect_plan_files(paths)
    except BatchError as exc:
        fail(str(exc))
    if dry_run:
        from qa_service.cli.plan_dry_run import dry_run_plans

        dry_run_plans(settings, files, plan_id, fmt, output)
        return
    if len(files) > 1:
        if plan_id is not None:
            fail(f"--plan-id 只能在导入单个文件时使用（本次共 {len(files)} 个文件）；"
                 "多个方案的编号由各自的文件名生成。")
        _ingest_many(settings, files)
        return
    _ingest_one(settings, files[0], plan_id)


def _ingest_one(settings: Settings, path: Path, plan_id: str | None) -> None:
    from ingest.errors import IngestError
    from ingest.plan_parser import parse_plan_with_report

    started = time.perf_counter()
    try:
        registry = UnitRegistry.shared(settings.unit_registry)
        plan, report = parse_plan_with_report(path, plan_id=plan_id, registry=registry)
    except IngestError as exc:
        log.info("Rejected plan %s: %s", path, exc)  # the user gets the Chinese message
        fail(exc.user_message)
    except GraphError as exc:  # the unit registry is unreadable
        log.error("Cannot load unit registry %s: %s", settings.unit_registry, exc)
        fail(exc.user_message)
    except OSError as exc:
        log.error("Cannot read plan %s: %s", path, exc)
        fail(f"无法读取方案文件 {path}：{exc.strerror or exc}")
    parsed = time.perf_counter()
    _write(settings, [plan])
    _keep_reports(settings, [report])
    written = time.perf_counter()
    log.info("Ingested plan %s: parse %.3fs, write %.3fs", plan.id, parsed - started, written - parsed)
    _print_plan(settings, plan, report)
    console.print(f"用时 {written - started:.2f} 秒（写入图谱 {written - parsed:.2f} 秒）。", highlight=False)


def _ingest_many(settings: Settings, files: list[Path]) -> None:
    """Parse every file first; write all plans as one generation, or nothing at all."""
    started = time.perf_counter()
    try:
        registry = UnitRegistry.shared(settings.unit_registry)
    except GraphError as exc:
        log.error("Cannot load unit registry %s: %s", settings.unit_registry, exc)
        fail(exc.user_message)
    batch = parse_plan_files(files, registry)
    if batch.problems:
        lines = "\n".join(f"  - {problem}" for problem in batch.problems)
        fail(f"{len(files)} 个文件中有 {len(batch.problems)} 处问题，未写入任何方案（图谱保持原样）：\n{lines}")
    parsed = time.perf_counter()
    with err_console.status(f"正在写入 {len(batch.plans)} 个方案……"):
        _write(settings, batch.plans)
        _keep_reports(settings, batch.reports)
    written = time.perf_counter()
    log.info("Ingested %d plans: parse %.3fs, write %.3fs", len(batch.plans), parsed - started, written - parsed)
    for plan, report in zip(batch.plans, batch.reports, strict=True):
        _print_plan(settings, plan, report)
    measures = sum(len(plan.measures) for plan in batch.plans)
    console.print(
        f"共导入 {len(batch.plans)} 个方案、措施 {measures} 条（一次写入，同时生效）。"
        f"用时 {written - started:.2f} 秒（解析 {parsed - started:.2f} 秒，写入图谱 {written - parsed:.2f} 秒）。",
        highlight=False, soft_wrap=True)


def _write(settings: Settings, plans: list[PlanRecord]) -> None:
    store = _store(settings)
    try:
        if len(plans) == 1:
            store.put_plan(plans[0])
        else:
            store.put_plans(plans)
    except GraphError as exc:
        log.error("Writing plans %s failed: %s", ", ".join(p.id for p in plans), exc)
        fail(exc.user_message)
    finally:
        store.close()


def _keep_reports(settings: Settings, reports: list) -> None:
    """Keep each plan's parse report beside the graph (the plan is already written)."""
    from ingest.plan_report import save_report

    for report in reports:
        try:
            save_report(settings.data_dir, report)
        except OSError as exc:
            log.error("Cannot keep the parse report of %s: %s", report.plan_id, exc)
            err_console.print(f"警告：无法保存方案 {report.plan_id} 的解析报告：{exc.strerror or exc}", highlight=False)


def _print_plan(settings: Settings, plan: PlanRecord, report=None) -> None:
    console.print(plan_summary(plan), highlight=False, soft_wrap=True)
    if report is not None and report.read_by == "ocr":
        conf = f"，平均置信度 {report.ocr_confidence:.0%}" if report.ocr_confidence is not None else ""
        console.print(f"该文件为扫描件，已用文字识别（OCR）读取 {report.ocr_pages} 页{conf}；请核对单位名称。",
                      highlight=False, soft_wrap=True)
    if report is not None and report.unsure:
        console.print(f"有 {report.unsure} 处需要核对，详见 kepu ingest plan --dry-run 或解析报告。",
                      highlight=False, soft_wrap=True)
    if plan.unresolved_units:
        console.print(
            f"未识别单位（不在单位名录 {settings.unit_registry.name} 中）：{'、'.join(plan.unresolved_units)}",
            highlight=False, soft_wrap=True,
        )


@app.command("plans")
def list_plans(ctx: typer.Context) -> None:
    """列出图谱中的方案。"""
    store = _store(settings_of(ctx))
    try:
        plans = _all_plans(store)
    finally:
        store.close()
    if not plans:
        console.print("图谱中还没有方案，请先运行 kepu ingest plan。")
        return
    # ids get copied into other commands and titles read in full: wrap them, never cut them short
    table = Table(Column("编号", overflow="fold"), Column("标题", overflow="fold"), "期间", "状态", "措施数")
    for plan in plans:
        table.add_row(plan.id, plan.title, plan.period, plan.status, str(len(plan.measures)))
    console.print(table)


@app.command("remove")
def remove_plan(ctx: typer.Context, plan_id: str = typer.Argument(..., metavar="PLAN", help="方案编号")) -> None:
    """从图谱中删除一个方案。"""
    store = _store(settings_of(ctx))
    try:
        store.remove_plan(plan_id)
    except PlanNotFound:
        known = "、".join(store.plan_ids()) or "（无）"
        fail(f"未找到方案：{plan_id}。现有方案：{known}")
    except GraphError as exc:
        log.error("Removing plan %s failed: %s", plan_id, exc)
        fail(exc.user_message)
    finally:
        store.close()
    console.print(f"已删除方案 {plan_id}。", highlight=False)


@app.command("sparql")
def sparql(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="SPARQL 查询；“-”表示从标准输入读取"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    """在图谱上执行 SPARQL 查询（可直接使用前缀 kepu: org: skos: dcterms: prov: rdf: rdfs: xsd:）。"""
    if query == "-":
        query = sys.stdin.read()
    store = _store(settings_of(ctx))
    if not hasattr(store, "sparql"):
        store.close()
        fail("当前图谱后端不支持 SPARQL 查询（请使用本地嵌入式图谱）。")
    try:
        result = store.sparql(query)
    except GraphError as exc:
        log.error("SPARQL query failed: %s", exc)
        fail(exc.user_message)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    elif isinstance(result, bool):
        console.print("是" if result else "否")
    elif not result:
        console.print("（无结果）")
    else:
        table = Table(*result[0].keys())
        for row in result:
            table.add_row(*("" if v is None else v for v in row.values()))
        console.print(table)


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("json", "--format", "-f", help="json、turtle、jsonld、csv 或 xlsx"),
    output: Path = typer.Option(None, "--output", "-o", help="输出文件（文本格式默认输出到屏幕；xlsx 必须指定）"),
    plan_id: str = typer.Option(None, "--plan", help="只导出这个方案（默认全部）"),
) -> None:
    """导出方案：措施 JSON、RDF（Turtle、JSON-LD）或责任分工表（CSV、xlsx）。"""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        fail(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    if output is None and fmt not in _TEXT_FORMATS:
        fail("xlsx 是二进制文件，请用 -o 指定输出文件，例如 -o 责任分工表.xlsx")
    store = _store(settings_of(ctx))
    try:
        plans = [store.get_plan(plan_id)] if plan_id else _all_plans(store)
    except PlanNotFound:
        fail(f"未找到方案：{plan_id}。现有方案：{'、'.join(store.plan_ids()) or '（无）'}")
    except GraphError as exc:
        fail(exc.user_message)
    finally:
        store.close()
    if not plans:
        fail("图谱中还没有方案，请先运行 kepu ingest plan。")
    data = export_plans(plans, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        atomic_write_bytes(output, data)
    except OSError as exc:
        log.error("Cannot write %s: %s", output, exc)
        fail(f"无法写入文件 {output}：{exc.strerror or exc}")
    measures = sum(len(p.measures) for p in plans)
    err_console.print(f"已导出 {len(plans)} 个方案、{measures} 条措施到 {output}。", highlight=False)


@app.command("units")
def units(
    ctx: typer.Context,
    unresolved: bool = typer.Option(False, "--unresolved", help="只列出不在单位名录中的单位"),
) -> None:
    """列出各方案涉及的单位及其承担的角色次数。"""
    store = _store(settings_of(ctx))
    try:
        plans = _all_plans(store)
    finally:
        store.close()
    if unresolved:
        # Per plan: each plan's names are its own region's (市发改委 of 淮安 is not 市发改委 of 上海).
        rows = [
            (plan.id, scope_label(plan_scope(plan)), name) for plan in plans for name in plan.unresolved_units
        ]
        if not rows:
            console.print("没有未识别的单位：所有单位均在单位名录中。")
            return
        table = Table("方案", "地区", "未识别单位")
        for plan_id, region, name in rows:
            table.add_row(plan_id, region, name)
        console.print(table)
        return
    roles = unit_roles(plans)
    if not roles:
        console.print("图谱中还没有单位，请先运行 kepu ingest plan。")
        return
    regions = len({scope for scope, _ in roles}) > 1
    table = Table(
        "单位",
        *(["地区"] if regions else []),
        *(ROLE_NAMES[r] for r in ("lead", "co", "joint", "local")),
        "合计",
    )
    for (scope, name), counts in sorted(
        roles.items(), key=lambda kv: (-sum(kv[1].values()), kv[0][1], kv[0][0])
    ):
        cells = [counts["lead"], counts["co"], counts["joint"], counts["local"] + counts["zone"]]
        table.add_row(
            name, *([scope_label(scope)] if regions else []), *(str(c) for c in cells), str(sum(cells))
        )
    console.print(table)


def unit_roles(plans: list[PlanRecord]) -> dict[tuple[str, str], Counter]:
    """How many measures each unit (region, name) leads, assists, shares (no lead named) or
    carries out locally."""
    return {
        unit: Counter(role_of(m, unit[1]) for m in measures) for unit, measures in units_of(plans).items()
    }
