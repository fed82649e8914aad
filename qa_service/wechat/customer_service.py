"""Pushing a late answer through the customer-service API, with a shared, cached access_token.

    GET  {api_base}/cgi-bin/token?grant_type=client_credential&appid=…&secret=…
    POST {api_base}/cgi-bin/message/custom/send?access_token=…

Pushes never raise: a failure is logged (without the secret or the token) and reported as False.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

import httpx
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 300  # refresh this long before WeChat says the token expires
STALE_TOKEN_CODES = {40001, 40014, 42001}  # invalid / malformed / expired access_token
# Delivery refused for this user or this text; retrying will not help.
REFUSED_CODES = {
    45015: "reply window expired (48 h since the user's last message)",
    45047: "over the customer-service message quota for this user",
    45002: "content too long",
}


class TokenCache(ABC):
    @abstractmethod
    async def get(self) -> str | None: ...

    @abstractmethod
    async def put(self, token: str, ttl: float) -> None: ...

    @abstractmethod
    async def drop(self, token: str) -> None:
        """Forget `token` if it is still the cached one (another worker may have refreshed it)."""


class MemoryTokenCache(TokenCache):
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0

    async def get(self) -> str | None:
        return self._token if self._token and self._clock() < self._expires else None

    async def put(self, token: str, ttl: float) -> None:
        self._token, self._expires = token, self._clock() + ttl

    async def drop(self, token: str) -> None:
        if self._token == token:
            self._token = None


class RedisTokenCache(TokenCache):
    """One token for all workers: each fetch of a new token invalidates the old one at WeChat."""

    def __init__(self, client, appid: str, prefix: str = "kepu:wechat:"):
        self.client = client
        self.key = f"{prefix}access_token:{appid}"

    async def get(self) -> str | None:
        try:
            return await self.client.get(self.key)
        except (RedisError, OSError) as exc:
            log.error("token cache unavailable: %s", exc)
            return None

    async def put(self, token: str, ttl: float) -> None:
        try:
            await self.client.set(self.key, token, ex=max(1, int(ttl)))
        except (RedisError, OSError) as exc:
            log.error("token cache unavailable: %s", exc)

    async def drop(self, token: str) -> None:
        try:
            if await self.client.get(self.key) == token:
                await self.client.delete(self.key)
        except (RedisError, OSError) as exc:
            log.error("token cache unavailable: %s", exc)


class PushError(Exception):
    """Internal: one push attempt failed; `code` is WeChat's errcode when it sent one."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class CustomerService:
    def __init__(self, api_base: str, appid: str, secret: str, cache: TokenCache | None = None,
                 timeout: float = 5.0, margin: float = TOKEN_MARGIN_SECONDS):
        if not (api_base and appid and secret):
            raise ValueError("api_base, appid and secret are required")
        self.api_base = api_base.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.cache = cache or MemoryTokenCache()
        self.timeout = timeout
        self.margin = margin
        self._lock: asyncio.Lock | None = None

    async def _fetch_token(self, client: httpx.AsyncClient) -> str:
        response = await client.get(f"{self.api_base}/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        data = _json(response)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise PushError(f"token endpoint refused: errcode={data.get('errcode')} "
                            f"errmsg={data.get('errmsg')!r}", data.get("errcode"))
        expires_in = float(data.get("expires_in") or 7200)
        ttl = expires_in - self.margin if expires_in > 2 * self.margin else expires_in / 2
        await self.cache.put(token, ttl)
        log.info("fetched a new WeChat access_token (valid %.0f s, cached %.0f s)", expires_in, ttl)
        return token

    async def access_token(self, client: httpx.AsyncClient, stale: str | None = None) -> str:
        if stale:
            await self.cache.drop(stale)
        token = await self.cache.get()
        if token and token != stale:
            return token
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:  # one fetch per worker even when many pushes find the cache empty
            token = await self.cache.get()
            if token and token != stale:
                return token
            return await self._fetch_token(client)

    async def _send(self, client: httpx.AsyncClient, token: str, payload: bytes) -> None:
        response = await client.post(
            f"{self.api_base}/cgi-bin/message/custom/send", params={"access_token": token},
            content=payload, headers={"Content-Type": "application/json; charset=utf-8"})
        data = _json(response)
        code = data.get("errcode", 0)
        if code:
            raise PushError(f"custom/send refused: errcode={code} errmsg={data.get('errmsg')!r}", code)

    async def send_text(self, openid: str, content: str) -> bool:
        """Push `content` to `openid`; True when WeChat accepted it."""
        return await self.send(openid, content) == 0

    async def send(self, openid: str, content: str) -> int | None:
        """Push `content` to `openid`: 0 when WeChat accepted it, WeChat's errcode when it refused,
        None when it could not be reached (network, HTTP error, unreadable answer)."""
        # WeChat shows \\uXXXX escapes literally, so the JSON goes out as raw UTF-8.
        payload = json.dumps({"touser": openid, "msgtype": "text", "text": {"content": content}},
                             ensure_ascii=False).encode("utf-8")
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                token = await self.access_token(client)
                try:
                    await self._send(client, token, payload)
                except PushError as exc:
                    if exc.code not in STALE_TOKEN_CODES:
                        raise
                    log.info("access_token rejected (errcode=%s); refreshing once", exc.code)
                    await self._send(client, await self.access_token(client, stale=token), payload)
        except PushError as exc:
            if exc.code in REFUSED_CODES:
                log.warning("customer-service push to %s refused: %s (%s)", openid, REFUSED_CODES[exc.code], exc)
            else:
                log.error("customer-service push to %s failed: %s", openid, exc)
            return exc.code if isinstance(exc.code, int) and exc.code else None
        except httpx.HTTPError as exc:
            log.error("customer-service push to %s failed: %s: %s", openid, type(exc).__name__, exc)
            return None
        log.info("pushed a message to %s (%d bytes)", openid, len(content.encode("utf-8")))
        return 0


def _json(response: httpx.Response) -> dict:
    if response.status_code != 200:
        raise PushError(f"HTTP {response.status_code} from {response.url.path}")
    try:
        data = response.json()
    except ValueError:
        raise PushError(f"non-JSON answer from {response.url.path}") from None
    if not isinstance(data, dict):
        raise PushError(f"unexpected JSON from {response.url.path}")
    return data
