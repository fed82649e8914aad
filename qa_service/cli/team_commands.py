"""`kepu users add|list|role|reset|disable|enable|token` and `kepu db upgrade|status`."""

from __future__ import annotations

from pathlib import Path

import typer

from graph.db import DatabaseError, database_url, open_database
from graph.db.migrate import current_revision, head_revision
from qa_service.cli.base import app, console, fail, settings_of
from qa_service.team.accounts import Accounts
from qa_service.team.errors import TeamError
from qa_service.team.roles import ROLE_NAMES

users_app = typer.Typer(help="科普团队账号：添加成员、角色、重置密码、API 令牌。", no_args_is_help=True)
db_app = typer.Typer(
    help="团队数据库（SQLite 或 KEPU_DATABASE_URL 指向的 PostgreSQL）。", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")
CLI_USER = "cli"


def _accounts(ctx: typer.Context) -> Accounts:
    try:
        return Accounts(open_database(settings_of(ctx)))
    except DatabaseError as exc:
        fail(exc.user_message)
        raise


def _run(action):
    try:
        return action()
    except TeamError as exc:
        fail(exc.user_message)
        raise


@users_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", "-r", help="查看 / 编辑 / 审核 / 管理"),
) -> None:
    """添加成员；打印一次性设置码，成员首次登录 /team/login 时用它设置密码。"""
    code = _run(lambda: _accounts(ctx).add(name, role, CLI_USER))
    console.print(f"已添加 {name}。一次性设置码（只显示这一次）：{code}", highlight=False)


@users_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """列出成员与角色。"""
    for user in _accounts(ctx).list():
        state = "已停用" if user["disabled"] else ("正常" if user["active"] else "待首次登录")
        typer.echo(f"{user['name']}\t{ROLE_NAMES.get(user['role'], user['role'])}\t{state}")


@users_app.command("role")
def role(ctx: typer.Context, name: str, new_role: str = typer.Argument(..., metavar="ROLE")) -> None:
    """修改成员角色。"""
    _run(lambda: _accounts(ctx).set_role(name, new_role, CLI_USER))
    console.print(f"{name} 的角色已改为 {new_role}。", highlight=False)


@users_app.command("reset")
def reset(ctx: typer.Context, name: str) -> None:
    """清除密码并退出其登录；打印新的一次性设置码。"""
    code = _run(lambda: _accounts(ctx).reset(name, CLI_USER))
    console.print(f"{name} 的密码已清除。新的一次性设置码：{code}", highlight=False)


@users_app.command("disable")
def disable(ctx: typer.Context, name: str) -> None:
    """停用成员（退出登录，作废其 API 令牌）。"""
    _run(lambda: _accounts(ctx).set_disabled(name, True, CLI_USER))
    console.print(f"{name} 已停用。", highlight=False)


@users_app.command("enable")
def enable(ctx: typer.Context, name: str) -> None:
    """重新启用成员。"""
    _run(lambda: _accounts(ctx).set_disabled(name, False, CLI_USER))
    console.print(f"{name} 已启用。", highlight=False)


@users_app.command("token")
def token(ctx: typer.Context, name: str, label: str = typer.Option("", "--label", help="用途说明")) -> None:
    """为成员新建脚本用的 API 令牌（放在 X-Kepu-Token 请求头中）。"""
    value = _run(lambda: _accounts(ctx).create_token(name, label, CLI_USER))
    console.print(value, highlight=False)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """把数据库结构升级到最新版本（服务启动时也会自动升级）。"""
    settings = settings_of(ctx)
    try:
        database = open_database(settings)
    except DatabaseError as exc:
        fail(exc.user_message)
        raise
    console.print(
        f"数据库已是最新版本 {current_revision(database.engine)}（{database.backend}）。", highlight=False
    )


@db_app.command("status")
def status(ctx: typer.Context) -> None:
    """显示数据库地址（不含密码）与结构版本。"""
    settings = settings_of(ctx)
    from sqlalchemy.engine import make_url

    url = make_url(database_url(settings)).render_as_string(hide_password=True)
    try:
        database = open_database(settings, migrate=False)
        revision = current_revision(database.engine)
    except DatabaseError as exc:
        fail(exc.user_message)
        raise
    console.print(f"{url}\n当前版本 {revision or '（空）'}，最新版本 {head_revision()}", highlight=False)


queue_app = typer.Typer(help="待答问题队列。", no_args_is_help=True)
review_app = typer.Typer(help="素材复核期限。", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
app.add_typer(review_app, name="review")


@queue_app.command("export")
def queue_export(
    ctx: typer.Context,
    output: Path = typer.Option(..., "--output", "-o", help="输出文件 .csv 或 .xlsx"),
    status: str = typer.Option("open", "--status", help="open（待处理）/ closed（已解答）/ all"),
) -> None:
    """导出待答问题（按需求排序），供每周例会使用。"""
    from graph.fsutil import atomic_write_bytes
    from qa_service.team import demand

    if output.suffix.lower() not in (".csv", ".xlsx"):
        fail("输出文件应以 .csv 或 .xlsx 结尾。")
    if status not in ("open", "closed", "all"):
        fail("--status 应为 open、closed 或 all。")
    try:
        groups = demand.ranked_groups(open_database(settings_of(ctx)), status=status, limit=10_000)
    except DatabaseError as exc:
        fail(exc.user_message)
        raise
    data = demand.export_csv(groups) if output.suffix.lower() == ".csv" else demand.export_xlsx(groups)
    atomic_write_bytes(output, data)
    console.print(f"已导出 {len(groups)} 组待答问题到 {output}。", highlight=False)


@review_app.command("due")
def review_due(ctx: typer.Context) -> None:
    """列出复核期限将到、已逾期、逾期超过宽限期的已发布素材。"""
    from graph.search.passage_index import IndexHandle
    from qa_service.team.review import Review

    settings = settings_of(ctx)
    index = IndexHandle(settings.index_dir).get()
    records = list(index.materials.values()) if index is not None else []
    due = Review(settings, open_database(settings), lambda _: None, lambda: None).due(records)
    for key, label in (("withdraw", "逾期超过宽限期"), ("overdue", "已逾期"), ("due", "30 天内到期")):
        typer.echo(f"{label}（{len(due[key])}）")
        for row in due[key]:
            typer.echo(f"  {row['review_by']}\t{row['id']}\t{row['title']}")
