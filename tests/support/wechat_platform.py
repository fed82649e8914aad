"""Acting as the WeChat platform in tests: sign and encrypt real messages with wechatpy, read and
check the replies, and answer the API calls a server makes (access_token, customer-service send).

The API side works like wechatpy's own tests: each endpoint answers from a fixture file named after
its path (tests/data/wechat/cgi-bin_token.json, ...), here served over real HTTP by uvicorn.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import uvicorn
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "wechat"
_msg_ids = itertools.count(int(time.time() * 1000))


def random_aes_key() -> str:
    """A fresh 43-character EncodingAESKey, as the admin console generates them."""
    return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


@dataclass
class Reply:
    """A reply as the platform read it (decrypted, signature and AppID checked)."""

    to_user: str
    from_user: str
    msg_type: str
    content: str
    create_time: int
    raw_xml: str

    @property
    def content_bytes(self) -> int:
        return len(self.content.encode("utf-8"))


@dataclass
class WeChatPlatform:
    token: str
    appid: str = ""
    aes_key: str = ""  # safe mode when set
    account: str = "gh_kepu_account"

    # --- messages -------------------------------------------------------------------------
    def message_xml(self, openid: str, msg_type: str, fields: dict[str, str], create_time: int | None = None,
                    msg_id: str | None = None, with_msg_id: bool = True) -> str:
        parts = [f"<ToUserName>{_cdata(self.account)}</ToUserName>", f"<FromUserName>{_cdata(openid)}</FromUserName>",
                 f"<CreateTime>{create_time or int(time.time())}</CreateTime>", f"<MsgType>{_cdata(msg_type)}</MsgType>"]
        parts += [f"<{k}>{_cdata(v)}</{k}>" for k, v in fields.items()]
        if with_msg_id:
            parts.append(f"<MsgId>{msg_id or next(_msg_ids)}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    def text(self, openid: str, content: str, **kw) -> str:
        return self.message_xml(openid, "text", {"Content": content}, **kw)

    def voice(self, openid: str, recognition: str, **kw) -> str:
        return self.message_xml(openid, "voice", {"MediaId": "media-1", "Format": "amr",
                                                  "Recognition": recognition}, **kw)

    def image(self, openid: str, **kw) -> str:
        return self.message_xml(openid, "image", {"PicUrl": "http://example.invalid/a.jpg", "MediaId": "m"}, **kw)

    def event(self, openid: str, event: str, event_key: str = "", **kw) -> str:
        fields = {"Event": event, **({"EventKey": event_key} if event_key else {})}
        return self.message_xml(openid, "event", fields, with_msg_id=False, **kw)

    # --- requests -------------------------------------------------------------------------
    def url_params(self, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(random.randint(10**8, 10**10))
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    def verify_params(self, echostr: str) -> dict[str, str]:
        return {**self.url_params(), "echostr": echostr}

    def request(self, xml: str, timestamp: str | None = None, nonce: str | None = None,
                openid: str = "o-user") -> dict:
        """Keyword arguments for `client.post(path, **request)`: query string and body."""
        params = {**self.url_params(timestamp, nonce), "openid": openid}
        if not self.aes_key:
            return {"params": params, "content": xml.encode("utf-8")}
        encrypt = PrpCrypto(WeChatCrypto(self.token, self.aes_key, self.appid).key).encrypt(xml, self.appid)
        encrypt = encrypt.decode("ascii")
        params["encrypt_type"] = "aes"
        params["msg_signature"] = sign(self.token, params["timestamp"], params["nonce"], encrypt)
        body = f"<xml><ToUserName>{_cdata(self.account)}</ToUserName><Encrypt>{_cdata(encrypt)}</Encrypt></xml>"
        return {"params": params, "content": body.encode("utf-8")}

    # --- replies --------------------------------------------------------------------------
    def read_reply(self, body: str) -> Reply | None:
        """None for "success"/empty; else the reply, decrypted and checked like the platform does
        (raises InvalidSignatureException / InvalidAppIdException / AssertionError)."""
        if body in ("", "success"):
            return None
        if self.aes_key:
            envelope = xmltodict.parse(body)["xml"]
            crypto = WeChatCrypto(self.token, self.aes_key, self.appid)
            body = crypto.decrypt_message(envelope, envelope["MsgSignature"], envelope["TimeStamp"],
                                          envelope["Nonce"])
        data = xmltodict.parse(body)["xml"]
        return Reply(to_user=data["ToUserName"], from_user=data["FromUserName"], msg_type=data["MsgType"],
                     content=data.get("Content") or "", create_time=int(data["CreateTime"]), raw_xml=body)


@dataclass
class ApiCall:
    path: str
    query: dict[str, str]
    body: dict | None
    answer: dict = field(default_factory=dict)
    raw: bytes = b""

    @property
    def ok(self) -> bool:
        return self.answer.get("errcode", 0) == 0


@dataclass
class FakeWeChatApi:
    """The platform's HTTP API on 127.0.0.1, answering from fixture files.

    Each token fetch issues a new access_token ("ACCESS_TOKEN-1", "-2", ...). Put errcodes in
    `send_errors` to make the next custom/send calls fail with them, one each.
    """

    expires_in: int = 7200
    send_errors: list[int] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)
    port: int = 0
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _tokens: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hits(self, path: str) -> list[ApiCall]:
        return [c for c in self.calls if c.path == path]

    @property
    def sent(self) -> list[ApiCall]:
        """Customer-service messages the platform accepted."""
        return [c for c in self.hits("/cgi-bin/message/custom/send") if c.ok]

    def _answer(self, path: str, query: dict[str, str], raw: bytes) -> dict:
        fixture = json.loads((FIXTURES / (path.strip("/").replace("/", "_") + ".json")).read_text("utf-8"))
        if path == "/cgi-bin/token":
            answer = {**fixture, "access_token": f"{fixture['access_token']}-{next(self._tokens)}",
                      "expires_in": self.expires_in}
        elif self.send_errors:
            code = self.send_errors.pop(0)
            answer = {"errcode": code, "errmsg": f"simulated error {code}"}
        elif query.get("access_token") != f"ACCESS_TOKEN-{len(self.hits('/cgi-bin/token'))}":
            answer = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        else:
            answer = fixture
        self.calls.append(ApiCall(path, query, json.loads(raw.decode("utf-8")) if raw else None, answer, raw))
        return answer

    async def _app(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            event = await receive()
            chunks.append(event.get("body", b""))
            if not event.get("more_body"):
                break
        raw = b"".join(chunks)
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        try:
            answer = self._answer(scope["path"], query, raw)
            status = 200
        except FileNotFoundError:
            answer, status = {"errcode": 404, "errmsg": "no such endpoint"}, 404
        payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8")]})
        await send({"type": "http.response.body", "body": payload})

    def start(self, timeout: float = 10.0) -> FakeWeChatApi:
        from tests.support.redis_server import free_port

        self.port = self.port or free_port()
        config = uvicorn.Config(self._app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                interface="asgi3")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-wechat-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake WeChat API server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None

    def wait_for_sent(self, count: int, timeout: float = 10.0) -> list[ApiCall]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.sent

    async def wait_for_sent_async(self, count: int, timeout: float = 10.0) -> list[ApiCall]:
        import asyncio

        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.sent

    def __enter__(self) -> FakeWeChatApi:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class FakeChat:
    """Stands in for qa_service.chat.service.ChatService in unit tests: counts calls, remembers the
    previous question per session (so follow-ups are visible), can be slow or fail."""

    def __init__(self, answers: dict[str, str] | None = None, delay: float = 0.0, fail: bool = False):
        self.answers = answers or {}
        self.delay = delay
        self.fail = fail
        self.calls: list[tuple[str, str | None]] = []
        self.forgotten: list[str] = []
        self.sessions: dict[str, str] = {}
        self._lock = threading.Lock()

    def answer(self, question: str, session_id: str | None = None, check=None) -> dict:
        with self._lock:
            self.calls.append((question, session_id))
            previous = self.sessions.get(session_id) if session_id else None
            if session_id:
                self.sessions[session_id] = question
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("simulated failure inside the chat service")
        answer = self.answers.get(question, f"关于“{question}”的回答。")
        if previous:
            answer += f"（接着上一个问题：{previous}）"
        return {"intent": "responsibility", "answer": answer, "confidence": 0.9, "abstained": False,
                "measures": [], "targets": [], "units": [], "citations": []}

    def forget(self, session_id: str) -> None:
        with self._lock:
            self.forgotten.append(session_id)
            self.sessions.pop(session_id, None)


def wechat_app(settings, chat=None, budget: float = 4.5):
    """A FastAPI app with only the WeChat router (no models loaded), answering with `chat`."""
    from fastapi import FastAPI

    from qa_service.http.deps import get_wechat
    from qa_service.routers import wechat
    from qa_service.wechat.endpoint import build_endpoint

    app = FastAPI()
    app.include_router(wechat.router)
    endpoint = build_endpoint(settings, chat, budget)
    app.dependency_overrides[get_wechat] = lambda: endpoint
    return app


def full_app(settings, chat=None):
    """The real app (every router, lexical answers: no model), answering with `chat` when given."""
    from dataclasses import replace

    from qa_service.app import create_app
    from qa_service.services import build_services
    from qa_service.wechat.endpoint import build_endpoint

    services = build_services(settings, load_model=False)
    if chat is not None:
        services = replace(services, chat=chat, wechat=build_endpoint(settings, chat))
    return create_app(services=services)
