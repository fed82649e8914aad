"""Rate limits: so many requests per key (client IP, WeChat openid) per fixed window.

A window opens at a key's first request and lasts `window` seconds; within it at most `limit`
requests pass. The counters live in this process, or in Redis when KEPU_REDIS_URL is set, so every
worker and replica counts against the same limit (INCR and PEXPIRE in one Lua script: atomic).
If Redis cannot be reached the limiter lets requests through and logs it: an outage of the
counter store must not take the service down with it.

    limiter = RateLimiter.from_settings(settings, "wechat", settings.wechat_rate_limit_per_minute)
    if not await limiter.hit(openid): ...  # over the limit
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from graph.settings import Settings
from qa_service.http.errors import error_response, request_id_of

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
DEFAULT_MAX_KEYS = 100_000
STORE_RETRY_SECONDS = 5.0
# KEYS[1] counter; ARGV[1] window in ms. Returns {count, ms until the window closes}.
_INCR_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int  # requests in the current window, this one included
    limit: int
    retry_after: int  # whole seconds until the window closes (at least 1)

    @property
    def first_refusal(self) -> bool:
        """True once per window: log the refusal then, not for every request of a flood."""
        return self.count == self.limit + 1


class Counters(ABC):
    @abstractmethod
    async def incr(self, key: str, window: float) -> tuple[int, float]:
        """Count one request for `key`; returns (count in this window, seconds until it closes)."""


class MemoryCounters(Counters):
    """Process-local and bounded. Every window has the same length and opens at insertion, so
    insertion order is expiry order: eviction pops from the front."""

    def __init__(self, max_keys: int = DEFAULT_MAX_KEYS, clock: Callable[[], float] = time.monotonic):
        if max_keys <= 0:
            raise ValueError("max_keys must be positive")
        self.max_keys = max_keys
        self._clock = clock
        self._items: OrderedDict[str, list] = OrderedDict()  # key -> [count, window closes at]
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def incr_now(self, key: str, window: float) -> tuple[int, float]:
        now = self._clock()
        with self._lock:
            while self._items:
                oldest = next(iter(self._items.values()))
                if oldest[1] <= now or len(self._items) >= self.max_keys:
                    self._items.popitem(last=False)
                else:
                    break
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = [0, now + window]
            item[0] += 1
            return item[0], item[1] - now

    async def incr(self, key: str, window: float) -> tuple[int, float]:
        return self.incr_now(key, window)


class RedisCounters(Counters):
    """Counters shared by all workers. One asyncio client per event loop: a client's connections
    belong to the loop that opened them (uvicorn has one loop per worker; tests may have several)."""

    def __init__(self, url: str, prefix: str = "kepu:rate:"):
        self.url = url
        self.prefix = prefix
        self._clients: dict[int, tuple] = {}  # id(loop) -> (loop, client, script)
        self._lock = threading.Lock()

    def _client(self) -> tuple:
        import redis.asyncio as redis

        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._clients.get(id(loop))
            if entry is None or entry[0] is not loop:
                for key, (other, _, _) in list(self._clients.items()):
                    if other.is_closed():
                        del self._clients[key]
                client = redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
                entry = self._clients[id(loop)] = (loop, client, client.register_script(_INCR_SCRIPT))
        return entry

    async def incr(self, key: str, window: float) -> tuple[int, float]:
        _, client, script = self._client()
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]  # no raw IPs or openids in Redis
        count, ttl_ms = await script(keys=[self.prefix + digest], args=[max(1, int(window * 1000))], client=client)
        return int(count), max(int(ttl_ms), 0) / 1000.0


class RateLimiter:
    """At most `limit` hits per key per `window` seconds; `limit` 0 means no limit."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, counters: Counters | None = None,
                 name: str = "requests"):
        if limit < 0 or window <= 0:
            raise ValueError("limit must be >= 0 and window > 0")
        self.limit = limit
        self.window = window
        self.counters = counters if counters is not None else MemoryCounters()
        self.name = name
        self._skip_store_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, name: str, limit: int, window: float = WINDOW_SECONDS) -> RateLimiter:
        counters = RedisCounters(settings.redis_url, prefix=f"kepu:rate:{name}:") if settings.redis_url else None
        return cls(limit, window, counters, name)

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    async def consume(self, key: str) -> Decision:
        if not self.enabled or time.monotonic() < self._skip_store_until:
            return Decision(True, 0, self.limit, 0)
        try:
            count, remaining = await self.counters.incr(key, self.window)
        except Exception as exc:  # noqa: BLE001 - redis errors, timeouts, a closed loop: fail open
            # ...and stop asking for a while, so a dead store costs one timeout, not one per request.
            self._skip_store_until = time.monotonic() + STORE_RETRY_SECONDS
            log.error("rate limit store unavailable, not limiting %s for %.0f s: %s: %s", self.name,
                      STORE_RETRY_SECONDS, type(exc).__name__, exc)
            return Decision(True, 0, self.limit, 0)
        return Decision(count <= self.limit, count, self.limit, max(1, math.ceil(remaining)))

    async def hit(self, key: str) -> bool:
        """Count one request for `key`; False when it is over the limit (refuse it)."""
        decision = await self.consume(key)
        if decision.first_refusal:
            log.warning("rate limit: %s key over %d per %.0f s", self.name, self.limit, self.window)
        return decision.allowed


RATE_LIMITED = "请求过于频繁，请稍后再试。"
# /wechat is limited per user (openid) in the WeChat handler instead: all users' messages come
# from the platform's few addresses. Static files ride along with the pages already counted, and
# a monitor polling /healthz must not see the service as down because it polled.
EXEMPT_PATHS = frozenset({"/wechat", "/wechat/", "/healthz"})
EXEMPT_PREFIXES = ("/static/",)


class RateLimitMiddleware:
    """Per client IP on every HTTP route but the exempt ones: 429 with Retry-After (pure ASGI).

    The client IP is the connection's peer as the server reports it; behind a reverse proxy, run
    uvicorn with --forwarded-allow-ips set to the proxy so that is the real client.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter):
        self.app = app
        self.limiter = limiter

    def _exempt(self, path: str) -> bool:
        return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled or self._exempt(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        decision = await self.limiter.consume(f"ip:{client}")
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        if decision.first_refusal:
            log.warning("rate limit: client %s over %d requests per %.0f s (request %s)", client, self.limiter.limit,
                        self.limiter.window, request_id_of(scope))
        response = error_response(scope, 429, RATE_LIMITED, {"Retry-After": str(decision.retry_after)})
        await response(scope, receive, send)
