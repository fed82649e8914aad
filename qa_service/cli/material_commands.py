"""`kepu ingest corpus DIR`, `kepu check TEXT`, `kepu search QUERY`, `kepu eval rumors FILE...`."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from graph.errors import GraphError
from graph.search.passage_index import IndexHandle
from graph.search.serving import ServingRule
from qa_service.cli.base import (
    EXIT_BAD_INPUT,
    EXIT_PARTIAL,
    app,
    console,
    err_console,
    eval_app,
    fail,
    ingest_app,
    settings_of,
)
from qa_service.rumors import check as rumor_check
from qa_service.rumors.check import InvalidText, RumorChecker, load_rumor_checker
from qa_service.rumors.search import MaterialSearch


def _encoder(ctx: typer.Context):
    # Looked up on the module at call time, so the CLI and the service share one factory to replace.
    try:
        return rumor_check.default_encoder_factory(settings_of(ctx))()
    except GraphError as exc:
        fail(exc.user_message)


def _checker(ctx: typer.Context) -> RumorChecker:
    settings = settings_of(ctx)
    return load_rumor_checker(settings, handle=IndexHandle(settings.index_dir, background=False,
                                                               rule=ServingRule.from_settings(settings)))


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@ingest_app.command("corpus")
def ingest_corpus(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="科普素材目录（每份素材一个 .md 文件）"),
    force: bool = typer.Option(False, "--force", help="即使素材没有变化也重建索引"),
) -> None:
    """校验并导入科普素材，增量更新检索索引（旧索引在新索引完成前继续服务）。"""
    from ingest.corpus_indexer import build_index

    if not directory.is_dir():
        fail(f"素材目录不存在：{directory}")
    settings = settings_of(ctx)
    encoder = _encoder(ctx)
    columns = (TextColumn("[bold]向量化素材"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("embed", total=None)

        def report_progress(stage: str, done: int, total: int) -> None:
            if stage == "start":
                progress.update(task, total=total)
            else:
                progress.advance(task, done)

        try:
            report = build_index(settings, encoder, directory, progress=report_progress, force=force)
        except GraphError as exc:
            fail(exc.user_message)
    for issue in report.issues:
        err_console.print(f"[yellow]已跳过[/yellow] {issue}", highlight=False, markup=True)
    if report.published:
        console.print(
            f"已索引 {report.materials} 份素材（公开 {report.public_materials} 份），共 {report.entries} 个检索条目；"
            f"新向量化 {report.embedded} 条，复用 {report.reused} 条；"
            f"新增 {len(report.added)}、更新 {len(report.changed)}、移除 {len(report.removed)} 份。",
            highlight=False)
    else:
        console.print(f"素材没有变化，索引保持不变（{report.materials} 份素材）。", highlight=False)
    if report.issues:
        code = EXIT_BAD_INPUT if report.materials == 0 else EXIT_PARTIAL
        err_console.print(f"[red]{len(report.issues)} 个文件有错误，未导入。[/red]", markup=True)
        raise typer.Exit(code)


@app.command("check")
def check(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="要核实的说法或转发的消息"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """核实一条说法：只根据审核通过的科普素材回答。"""
    checker = _checker(ctx)
    try:
        result = checker.check(text)
    except InvalidText as exc:
        fail(exc.user_message)
    except GraphError as exc:
        fail(exc.user_message)
    if as_json:
        _print_json(result.to_json())
        return
    console.print(result.reply, highlight=False, markup=False, soft_wrap=True)
    for m in result.materials:
        console.print(f"  · {m.id}（{m.verdict}，置信度 {m.score:.2f}）", highlight=False, markup=False)


@app.command("search")
def search(
    ctx: typer.Context,
    query: str = typer.Argument("", help="搜索词；留空则按更新时间列出"),
    topic: str = typer.Option(None, "--topic", help="主题"),
    audience: str = typer.Option(None, "--audience", help="受众"),
    verdict: str = typer.Option(None, "--verdict", help="结论：谣言、误导、部分正确、正确、存疑"),
    status: str = typer.Option("approved", "--status", help="approved、draft、retired 或 all"),
    k: int = typer.Option(10, "--k", help="每页条数"),
    offset: int = typer.Option(0, "--offset", help="跳过前多少条"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """搜索科普素材（本机命令行可查看全部状态）。"""
    searcher = MaterialSearch(_checker(ctx))
    try:
        result = searcher.search(query, topic=topic, audience=audience, verdict=verdict, status=status, k=k,
                                 offset=offset)
    except (InvalidText, GraphError) as exc:
        fail(exc.user_message)
    if as_json:
        _print_json(result.to_json())
        return
    console.print(f"共 {result.total} 条结果（显示第 {offset + 1}–{offset + len(result.hits)} 条）", highlight=False)
    for hit in result.hits:
        console.print(f"[bold]{escape(hit.title)}[/bold]  [dim]{hit.id} · {hit.verdict} · {hit.status} · {hit.updated_at}[/dim]",
                      highlight=False)
        console.print(f"  {_rich_snippet(hit.snippet)}", highlight=False)
    for facet, counts in result.facets.items():
        if counts:
            console.print(f"[dim]{facet}：{'，'.join(f'{k} {v}' for k, v in counts.items())}[/dim]", highlight=False)


def _rich_snippet(snippet: str) -> str:
    """The search snippet's HTML (escaped text + <mark>) as rich console markup."""
    parts = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(f"[bold yellow]{escape(html.unescape(p))}[/bold yellow]" if i % 2 else escape(html.unescape(p))
                   for i, p in enumerate(parts))


@eval_app.command("rumors")
def eval_rumors(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="问题集（JSON Lines：q + expect，或 q + near 表示无素材覆盖）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """在问题集上评测辟谣检索：融合检索、仅 BM25、仅向量 三者对比。"""
    from qa_service.evaluation.rumor_eval import evaluate_modes, load_queries

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        fail(f"问题集文件不存在：{'、'.join(missing)}")
    try:
        queries = load_queries(files)
    except ValueError as exc:
        fail(f"问题集格式有误：{exc}")
    checker = _checker(ctx)
    try:
        results = evaluate_modes(checker, queries)
    except GraphError as exc:
        fail(exc.user_message)
    if as_json:
        _print_json(results)
        return
    table = Table(title=f"辟谣检索评测（{len(queries)} 个问题）")
    table.add_column("指标")
    for mode in ("融合", "仅 BM25", "仅向量"):
        table.add_column(mode, justify="right")
    labels = {"recall@1": "Recall@1", "recall@3": "Recall@3", "mrr": "MRR", "answered_correct": "正确作答率",
              "answered_wrong": "答非所问率", "uncovered_abstained": "无素材时拒答率"}
    for key, label in labels.items():
        row = [results[m][key] for m in ("hybrid", "bm25", "dense")]
        table.add_row(label, *("—" if v is None else f"{v:.3f}" for v in row))
    console.print(table)
    console.print(f"覆盖问题 {results['hybrid']['covered']} 个，无素材问题 {results['hybrid']['uncovered']} 个。",
                  highlight=False)
