"""The WeChat Official Account message server: GET /wechat verifies the URL, POST /wechat answers.

Both /wechat and /wechat/ are served: a trailing-slash redirect breaks the platform's checks.
Whatever goes wrong after the signature check, the platform gets "success" (it then does
nothing) and the log gets one line; it never sees a stack trace or a 500.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from qa_service.http.deps import WeChatDep
from qa_service.http.schemas import WECHAT_RESPONSES
from qa_service.wechat.endpoint import WeChatEndpoint
from qa_service.wechat.errors import BadSignature, NotConfigured, UnreadableMessage
from qa_service.wechat.messages import parse_message, render_text_reply

log = logging.getLogger(__name__)
router = APIRouter(tags=["微信公众号"])

MAX_BODY_BYTES = 64 * 1024
PATHS = ("/wechat", "/wechat/")


def _detail(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _unavailable(endpoint: WeChatEndpoint) -> JSONResponse:
    error = endpoint.config_error or NotConfigured("not set up")
    return _detail(503, error.user_message)


def _success() -> PlainTextResponse:
    return PlainTextResponse("success")


async def _read_body(request: Request) -> bytes | None:
    """The body, or None when it is over MAX_BODY_BYTES (without reading more than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _verify(endpoint: WeChatDep, signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = ""):
    """URL verification: echo `echostr` unchanged when the signature is right."""
    if endpoint.crypto is None:
        return _unavailable(endpoint)
    try:
        endpoint.crypto.check(signature, timestamp, nonce)
    except BadSignature as exc:
        log.warning("WeChat URL verification refused: %s", exc)
        return _detail(403, exc.user_message)
    return PlainTextResponse(echostr)


async def _receive(request: Request, endpoint: WeChatDep):
    """A message or event pushed by the platform; the reply is a text message or "success"."""
    received_at = asyncio.get_running_loop().time()
    if endpoint.crypto is None:
        return _unavailable(endpoint)
    body = await _read_body(request)
    if body is None:
        log.warning("WeChat message refused: body over %d bytes", MAX_BODY_BYTES)
        return _detail(413, "消息过大。")
    params = request.query_params
    try:
        message = parse_message(endpoint.crypto.open(body, params))
    except BadSignature as exc:
        log.warning("WeChat message refused: %s", exc)
        return _detail(403, exc.user_message)
    except UnreadableMessage as exc:
        log.warning("WeChat message ignored: %s", exc)
        return _success()
    try:
        content = await endpoint.handler.reply_for(message, received_at)
        if not content:
            return _success()
        reply = render_text_reply(message, content)
        return Response(endpoint.crypto.seal(reply, params.get("nonce", "")), media_type="application/xml")
    except Exception:  # noqa: BLE001 - the platform must get "success", never a 500
        log.exception("WeChat %s message from %s failed", message.msg_type, message.from_user)
        return _success()


for _path in PATHS:
    router.add_api_route(_path, _verify, methods=["GET"], include_in_schema=_path == PATHS[0],
                         summary="微信服务器 URL 校验")
    router.add_api_route(_path, _receive, methods=["POST"], include_in_schema=_path == PATHS[0],
                         summary="接收微信消息并回复", responses=WECHAT_RESPONSES)
