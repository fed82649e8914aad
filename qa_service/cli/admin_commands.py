"""`kepu backup [-o FILE]` and `kepu restore FILE`: the data directory as one archive, and back."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from graph.backup.operations import BackupError, create_backup, default_backup_name, restore_backup
from qa_service.cli.base import app, console, err_console, fail, settings_of

log = logging.getLogger(__name__)


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


@app.command("backup")
def backup(
    ctx: typer.Context,
    output: Path = typer.Option(None, "--output", "-o", help="备份文件（默认 ./kepu-backup-日期-时间.tar.gz）"),
) -> None:
    """备份数据目录：图谱与检索索引的当前版本、素材、审核日志，打包为一个 .tar.gz 文件（服务可照常运行）。"""
    settings = settings_of(ctx)
    try:
        report = create_backup(settings, output or default_backup_name())
    except BackupError as exc:
        log.error("Backup of %s failed: %s", settings.data_dir, exc)
        fail(exc.user_message)
        raise
    if settings.graph_uri:
        err_console.print("注意：图谱存放在外部 Neo4j（KEPU_GRAPH_URI），不在本备份中，请用其自身的备份工具。",
                          highlight=False)
    parts = [f"图谱 {report.graph_generation or '（无）'}", f"检索索引 {report.index_generation or '（无）'}",
             f"素材 {report.materials} 份", f"日志 {len(report.logs)} 个"]
    console.print(f"已备份到 {report.path}（{_size(report.size)}，{report.files} 个文件）：{'，'.join(parts)}。",
                  highlight=False, soft_wrap=True)


@app.command("restore")
def restore(
    ctx: typer.Context,
    archive: Path = typer.Argument(..., help="kepu backup 生成的 .tar.gz 文件"),
) -> None:
    """从备份恢复数据目录：替换图谱、检索索引、素材与日志（先完整校验备份；运行中的服务自动切换）。"""
    settings = settings_of(ctx)
    try:
        report = restore_backup(settings, archive)
    except BackupError as exc:
        log.error("Restore of %s from %s failed: %s", settings.data_dir, archive, exc)
        fail(exc.user_message)
        raise
    if report.graph_skipped:
        err_console.print("注意：当前使用外部 Neo4j 图谱（KEPU_GRAPH_URI），备份中的图谱未恢复。", highlight=False)
    plans = "、".join(report.plans) if report.plans else "（无）"
    console.print(f"已从 {archive} 恢复到 {settings.data_dir}：方案 {plans}；检索索引 {report.index_generation or '（无）'}；"
                  f"素材 {report.materials} 份；日志 {len(report.logs)} 个。", highlight=False, soft_wrap=True)
