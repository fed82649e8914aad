"""Errors as users see them: Chinese messages, proper status codes, never a stack trace.

`RequestContextMiddleware` gives every request an id (echoed in `X-Request-ID`, quoted in logs)
and turns any exception that escapes the app into a 500 with a fixed Chinese message; the trace
goes to the log only. The exception handlers put Chinese text on Starlette's own errors (404, 405)
and catch what fails outside that middleware. `error_response` is the one shape every protection
answers with: JSON `{"detail": ...}`, or a small HTML page when a browser asked for a page.
"""

from __future__ import annotations

import html
import itertools
import logging
import re
import secrets
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

INTERNAL_ERROR = "服务器内部错误，请稍后再试。"
REQUEST_ID_HEADER = "x-request-id"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Starlette's own English details (e.g. "Not Found" for an unknown URL), in the users' language.
_CHINESE_DETAILS = {
    400: "请求格式有误。",
    401: "需要身份验证。",
    403: "没有访问权限。",
    404: "未找到请求的页面或接口。",
    405: "不支持该请求方法。",
    406: "无法提供所请求的格式。",
    413: "请求内容过大。",
    415: "不支持的请求内容类型。",
    429: "请求过于频繁，请稍后再试。",
    500: INTERNAL_ERROR,
    503: "服务暂时不可用，请稍后再试。",
}
_JSON_PREFIXES = ("/api", "/wechat", "/openapi.json")


def wants_html(scope: Scope) -> bool:
    """A browser asking for a page (not the API, not WeChat): answer with HTML, not JSON."""
    path = scope.get("path", "")
    if path.startswith(_JSON_PREFIXES):
        return False
    return "text/html" in Headers(scope=scope).get("accept", "")


def error_response(scope: Scope, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_html(scope):
        text = html.escape(message)
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{text}</title></head>'
                f'<body><h1>{text}</h1><p><a href="/">返回首页</a></p></body></html>')
        return HTMLResponse(body, status_code=status, headers=headers)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def json_error(status: int, message: str) -> JSONResponse:
    """The one error body of the API: `{"detail": message}` (a Chinese sentence for the user)."""
    return JSONResponse({"detail": message}, status_code=status)


# Request ids: a random prefix per process and a counter (unique across workers and restarts
# without a system call per request, which uuid4 makes).
_ID_PREFIX = secrets.token_hex(4)
_ID_COUNTER = itertools.count(1)


def request_id_of(scope: Scope) -> str:
    return (scope.get("state") or {}).get("request_id", "-")


class RequestContextMiddleware:
    """Request ids and the last line of defence against unexpected exceptions (pure ASGI)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = given if _CLIENT_REQUEST_ID.match(given) else f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the client gets a 500 and no trace
            where = f"{scope.get('method', '?')} {scope.get('path', '?')}"
            if started:
                log.error("unhandled %s after the response started: %s (request %s)", type(exc).__name__, where,
                          request_id, exc_info=True)
                return
            log.error("unhandled %s in %s (request %s)", type(exc).__name__, where, request_id, exc_info=True)
            await error_response(scope, 500, INTERNAL_ERROR)(scope, receive, send_with_id)


async def _translated_http_exception(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's English default details in Chinese; details the app set itself pass unchanged."""
    default = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else None
    if exc.detail == default and exc.status_code in _CHINESE_DETAILS:
        if wants_html(request.scope) and exc.status_code >= 400:
            return error_response(request.scope, exc.status_code, _CHINESE_DETAILS[exc.status_code],
                                  getattr(exc, "headers", None))
        exc = StarletteHTTPException(exc.status_code, _CHINESE_DETAILS[exc.status_code], getattr(exc, "headers", None))
    return await http_exception_handler(request, exc)


async def _unhandled(request: Request, exc: Exception) -> Response:
    """Backstop for errors raised outside RequestContextMiddleware (an outer middleware)."""
    log.error("unhandled %s in %s %s (request %s)", type(exc).__name__, request.method, request.url.path,
              request_id_of(request.scope), exc_info=exc)
    return error_response(request.scope, 500, INTERNAL_ERROR)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's validation errors, told in Chinese."""
    messages = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        kind = error.get("type", "")
        if field == "question" and (kind == "missing" or error.get("input") is None):
            messages.append("问题不能为空")
        elif kind == "missing":
            messages.append(f"缺少参数：{field or '请求体'}")
        elif kind in ("json_invalid", "model_attributes_type", "dict_type"):
            messages.append('请求体应为 JSON 对象，例如 {"question": "谁负责科普教育基地建设？"}')
        elif kind.startswith("string") or kind == "str_type":
            messages.append(f"参数 {field} 应为文本")
        else:
            messages.append(f"参数 {field or '请求'} 格式不正确")
    return json_error(422, "；".join(dict.fromkeys(messages)) or "请求格式不正确")


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, _translated_http_exception)
    app.add_exception_handler(Exception, _unhandled)
