"""`kepu graph ...`: manage the graph stores, e.g. copy the embedded graph to a Neo4j server."""

from __future__ import annotations

import logging
import time

import typer

from graph.errors import GraphError, StoreUnavailable
from graph.settings import Settings
from qa_service.cli.base import EXIT_BAD_INPUT, EXIT_PARTIAL, console, fail, graph_app, settings_of

log = logging.getLogger(__name__)


@graph_app.command("sync")
def sync(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", envvar="KEPU_GRAPH_URI", help="目标 Bolt 服务器，如 bolt://127.0.0.1:7687 或 neo4j+s://xxx.databases.neo4j.io"),
    user: str = typer.Option("", "--user", envvar="KEPU_GRAPH_USER", help="用户名（默认 neo4j）"),
    password: str = typer.Option("", "--password", envvar="KEPU_GRAPH_PASSWORD", help="密码"),
    database: str = typer.Option("", "--database", envvar="KEPU_GRAPH_DATABASE", help="数据库名（默认服务器主库）"),
    prune: bool = typer.Option(False, "--prune", help="同时删除服务器上本地没有的方案"),
) -> None:
    """把本地嵌入式图谱中的全部方案复制到 Neo4j（Bolt）服务器。"""
    from graph.store.neo4j import Neo4jStore
    from graph.store.oxigraph import OxigraphStore

    settings: Settings = settings_of(ctx)
    started = time.monotonic()
    try:
        source = OxigraphStore(settings.graph_dir)
        try:
            plans = source.plans()
        finally:
            source.close()
    except GraphError as exc:
        log.error("Cannot read embedded graph at %s: %s", settings.graph_dir, exc)
        fail(f"无法读取本地图谱（{settings.graph_dir}）：{exc.user_message}")
    if not plans:
        fail(f"本地图谱（{settings.graph_dir}）中没有方案，请先运行 kepu ingest plan。", EXIT_BAD_INPUT)
    try:
        target = Neo4jStore(to, user, password, database)
    except ValueError:
        fail(f"目标地址 {to} 不是 Bolt 地址（应以 bolt://、bolt+s://、neo4j:// 或 neo4j+s:// 开头）。")
    except GraphError as exc:
        log.error("Cannot open graph server: %s", exc)
        fail(exc.user_message)
    failed: list[str] = []
    try:
        for plan in plans:
            try:
                target.put_plan(plan)
            except StoreUnavailable:
                raise  # the server went away: stop, nothing more can be written
            except (GraphError, ValueError) as exc:
                log.error("Sync of plan %s to %s failed: %s", plan.id, target.uri, exc)
                failed.append(plan.id)
                reason = exc.user_message if isinstance(exc, GraphError) else "方案数据有误（措施编号重复）。"
                console.print(f"[red]✗[/red] {plan.id}：{reason}", highlight=False)
                continue
            console.print(f"[green]✓[/green] {plan.id}（{len(plan.measures)} 条措施）", highlight=False)
        removed = []
        if prune and not failed:
            keep = {plan.id for plan in plans}
            for plan_id in target.plan_ids():
                if plan_id not in keep:
                    target.remove_plan(plan_id)
                    removed.append(plan_id)
    except GraphError as exc:
        log.error("Sync to %s stopped: %s", target.uri, exc)
        fail(exc.user_message)
    finally:
        target.close()
    seconds = time.monotonic() - started
    done = len(plans) - len(failed)
    console.print(f"已同步 {done}/{len(plans)} 个方案到 {target.uri}，用时 {seconds:.1f} 秒。", highlight=False)
    if removed:
        console.print(f"已删除服务器上多余的方案：{'、'.join(removed)}", highlight=False)
    if failed:
        raise typer.Exit(EXIT_PARTIAL if done else EXIT_BAD_INPUT)
