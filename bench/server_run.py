"""A `kepu serve` subprocess on a copy of the base data, configured as in production except that the
rate limits are raised (the benchmark is one client IP and a few openids sending thousands of
messages), with WeChat credentials of its own."""

from __future__ import annotations

import base64
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.stats import rss_mb
from bench.workspace import Context, server_class

RAISED_LIMIT = "100000000"


@dataclass
class Running:
    server: object
    url: str
    token: str
    appid: str
    aes_key: str
    how: str
    startup_seconds: float

    def pids(self) -> list[int]:
        """The server process and its children (uvicorn workers)."""
        pid = self.server.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        kids = [int(x) for x in children.read_text().split()] if children.exists() else []
        return [pid, *kids]

    def rss_mb(self) -> float:
        return round(sum(rss_mb(p) or 0.0 for p in self.pids()), 1)

    def log_count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.server.log_tail(50_000_000)))


def wechat_credentials() -> tuple[str, str, str]:
    token = secrets.token_hex(8)
    appid = "wx" + secrets.token_hex(8)
    aes_key = base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")
    return token, appid, aes_key


@contextmanager
def kepu_server(ctx: Context, name: str, env: dict[str, str] | None = None):
    token, appid, aes_key = wechat_credentials()
    data_dir = ctx.copy_base(name)
    settings_env = {
        "KEPU_RATE_LIMIT_PER_MINUTE": RAISED_LIMIT,
        "KEPU_WECHAT_RATE_LIMIT_PER_MINUTE": RAISED_LIMIT,
        "KEPU_WECHAT_TOKEN": token, "KEPU_WECHAT_APPID": appid, "KEPU_WECHAT_AES_KEY": aes_key,
        "KEPU_WECHAT_SECRET": "",  # no customer-service pushes to a real platform
        **(env or {}),
    }
    server = server_class()(data_dir, env=settings_env, log_path=ctx.work / f"{name}.log")
    seconds = server.start(timeout=900)
    try:
        yield Running(server, server.url, token, appid, aes_key, server.how, round(seconds, 1))
    finally:
        server.stop()
