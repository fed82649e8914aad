"""Request body caps: 413 with a Chinese message for anything larger (pure ASGI, no buffering).

A declared Content-Length over the cap is refused before a byte of the body is read. A body
without one (chunked) is counted as it streams: the chunk that crosses the cap makes `receive`
raise `RequestTooLarge` (an HTTPException, so FastAPI's body parsing lets it through and the app
answers 413), and whatever the app then tries to send instead, the client gets the 413. The app
never sees more than the cap.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa_service.http.errors import error_response, request_id_of

log = logging.getLogger(__name__)

WECHAT_PATHS = ("/wechat", "/wechat/")


def too_large_message(limit: int) -> str:
    size = f"{limit // 1024} KB" if limit >= 1024 else f"{limit} 字节"
    return f"请求内容过大（上限 {size}）。"


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))
        self.limit = limit


class BodySizeLimitMiddleware:
    """`limit` bytes for every request body, `wechat_limit` for the WeChat endpoint (0: no cap)."""

    def __init__(self, app: ASGIApp, limit: int, wechat_limit: int):
        self.app = app
        self.limit = limit
        self.wechat_limit = wechat_limit

    def limit_for(self, path: str) -> int:
        return self.wechat_limit if path in WECHAT_PATHS else self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope.get("path", "")) if scope["type"] == "http" else 0
        if not limit:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await error_response(scope, 400, "请求头 Content-Length 无效。")(scope, receive, send)
                return
            if int(declared) > limit:
                self._log(scope, f"declared {declared} bytes", limit)
                await error_response(scope, 413, too_large_message(limit))(scope, receive, send)
                return
        received = 0
        overflow = started = refused = False

        async def counting_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    raise RequestTooLarge(limit)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, refused
            if refused:
                return  # our 413 went out; drop the rest of whatever the app answered
            if message["type"] == "http.response.start":
                if overflow and message["status"] != 413:
                    refused = True
                    await error_response(scope, 413, too_large_message(limit))(scope, receive, send)
                    return
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except RequestTooLarge:
            if not started and not refused:
                await error_response(scope, 413, too_large_message(limit))(scope, receive, send)
        finally:
            if overflow:
                self._log(scope, f"over {limit} bytes while streaming", limit)

    @staticmethod
    def _log(scope: Scope, what: str, limit: int) -> None:
        log.warning("request body refused (%s, cap %d) on %s %s (request %s)", what, limit, scope.get("method"),
                    scope.get("path"), request_id_of(scope))
