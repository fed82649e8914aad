"""`kepu serve`: the FastAPI app under uvicorn."""

from __future__ import annotations

import logging
import os

import typer

from qa_service.cli.base import app, console, fail, settings_of

log = logging.getLogger(__name__)


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    workers: int = typer.Option(1, "--workers", help="工作进程数（多进程时会话需 KEPU_REDIS_URL 共享）"),
    log_level: str = typer.Option("info", "--log-level", help="日志级别：debug、info、warning、error"),
) -> None:
    """启动问答服务（网页、/api/*、/wechat）。"""
    import uvicorn

    settings = settings_of(ctx)
    if not 0 < port < 65536:
        fail(f"端口无效：{port}")
    if workers < 1:
        fail("--workers 至少为 1。")
    if log_level not in ("debug", "info", "warning", "error"):
        fail("日志级别只能是 debug、info、warning 或 error。")
    # Workers are fresh processes: they read the settings from the environment.
    os.environ["KEPU_DATA_DIR"] = str(settings.data_dir)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if workers > 1 and not settings.redis_url:
        log.warning("%d workers without KEPU_REDIS_URL: each worker keeps its own conversations", workers)
    console.print(f"kepu 问答服务：http://{host}:{port}（数据目录 {settings.data_dir}）", highlight=False)
    try:
        uvicorn.run("qa_service.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level=log_level)
    except OSError as exc:
        log.error("cannot serve on %s:%s: %s", host, port, exc)
        fail(f"无法在 {host}:{port} 启动服务：{exc.strerror or exc}")
