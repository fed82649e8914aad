"""Shared typer app, the --data-dir option and error reporting for every command."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from graph.settings import Settings

app = typer.Typer(
    help="kepu：科普政策知识图谱与科学辟谣问答。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

# Exit codes: 0 ok, 1 partial failure (some files rejected), 2 bad input / nothing written.
EXIT_PARTIAL = 1
EXIT_BAD_INPUT = 2


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Path = typer.Option(
        None, "--data-dir", envvar="KEPU_DATA_DIR", help="数据目录（默认 ./var）"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="输出调试日志"),
) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Settings.from_env(data_dir)


def settings_of(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings.from_env()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print a Chinese message for the user and exit with `code`."""
    # escape: file names may hold [ ]; soft_wrap: long paths are not broken by inserted newlines
    err_console.print(f"[red]错误：[/red]{escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


# Sub-command groups shared by several command modules.
ingest_app = typer.Typer(help="导入方案或科普素材。", no_args_is_help=True)
eval_app = typer.Typer(help="在问题集上评测问答质量。", no_args_is_help=True)
graph_app = typer.Typer(help="图谱存储管理（如同步到 Neo4j）。", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(eval_app, name="eval")
app.add_typer(graph_app, name="graph")
