"""The admin guard: the token (KEPU_ADMIN_TOKEN) in `X-Kepu-Token` or `Authorization: Bearer …`,
shared by the admin API and the pages. Endpoints take `who: AdminUser`."""

from __future__ import annotations

import hmac
import re
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, HTTPException, Request

from qa_service.http.deps import get_settings

_USER_CLEAN = re.compile(r"[^\w .@\-\u3400-\u9fff]")


def admin_user(request: Request) -> str:
    """The editor's name if the request carries the admin token; raises 503/401/403 otherwise."""
    token = get_settings(request).admin_token
    if not token:
        raise HTTPException(503, "管理功能未启用：服务器未配置管理口令（KEPU_ADMIN_TOKEN）。")
    given = request.headers.get("x-kepu-token", "")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if not given:
        raise HTTPException(401, "需要管理口令：请在 X-Kepu-Token 请求头中提供。")
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(403, "管理口令无效。")
    user = _USER_CLEAN.sub("", _header_text(request.headers.get("x-kepu-user", ""))).strip()[:64]
    return user or "admin"


def _header_text(value: str) -> str:
    """A header carrying Chinese: percent-encoded UTF-8, or raw UTF-8 bytes (seen here as latin-1)."""
    value = unquote(value)
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def is_admin(request: Request) -> bool:
    try:
        admin_user(request)
    except HTTPException:
        return False
    return True


AdminUser = Annotated[str, Depends(admin_user)]
