"""Which messages were seen, their final replies, and who delivered them.

WeChat retries a message it got no answer for within 5 s (3 tries in all), possibly on another
worker. The first request to `claim` a key does the work; every retry gets the stored reply.
`claim_delivery` decides once whether a slow answer goes out passively (a retry that was still
waiting) or by a customer-service push, so the user never gets it twice.

The in-process store serves one worker; the Redis store (KEPU_REDIS_URL) is shared by all.
"""

from __future__ import annotations

import hashlib
import logging
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from redis.exceptions import RedisError

log = logging.getLogger(__name__)
_REDIS_ERRORS = (RedisError, OSError)

DEFAULT_TTL_SECONDS = 300.0  # retries come within ~15 s; a margin for slow pushes and clock skew
DEFAULT_MAX_ENTRIES = 10_000
PASSIVE = "passive"
PUSH = "push"


class DedupeStore(ABC):
    @abstractmethod
    async def claim(self, key: str) -> bool:
        """Mark `key` seen; True only for the first caller within the TTL."""

    @abstractmethod
    async def put_reply(self, key: str, reply: str) -> None:
        """Remember the final reply ("" means "success": nothing to say)."""

    @abstractmethod
    async def get_reply(self, key: str) -> str | None:
        """The final reply, or None while the work is still in progress (or unknown)."""

    @abstractmethod
    async def claim_delivery(self, key: str, how: str) -> str:
        """Record `how` the reply is delivered unless already decided; returns the decision."""


@dataclass
class _Entry:
    seen_at: float
    reply: str | None = None
    delivery: str | None = None


class MemoryDedupeStore(DedupeStore):
    """Process-local and bounded: the oldest keys go first. Used from one event loop, so the
    methods never await and need no lock."""

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, max_entries: int = DEFAULT_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic):
        if ttl <= 0 or max_entries <= 0:
            raise ValueError("ttl and max_entries must be positive")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._items: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def _live(self, key: str) -> _Entry | None:
        self._evict()
        return self._items.get(key)

    def _evict(self) -> None:
        now = self._clock()
        while self._items:
            oldest = next(iter(self._items.values()))
            if len(self._items) > self.max_entries or now - oldest.seen_at > self.ttl:
                self._items.popitem(last=False)
            else:
                break

    async def claim(self, key: str) -> bool:
        if self._live(key) is not None:
            return False
        self._items[key] = _Entry(seen_at=self._clock())
        self._evict()
        return True

    async def put_reply(self, key: str, reply: str) -> None:
        entry = self._live(key)
        if entry is None:
            entry = self._items[key] = _Entry(seen_at=self._clock())
        entry.reply = reply

    async def get_reply(self, key: str) -> str | None:
        entry = self._live(key)
        return entry.reply if entry else None

    async def claim_delivery(self, key: str, how: str) -> str:
        entry = self._live(key)
        if entry is None:
            entry = self._items[key] = _Entry(seen_at=self._clock())
        if entry.delivery is None:
            entry.delivery = how
        return entry.delivery


class RedisDedupeStore(DedupeStore):
    """SET NX with a TTL, shared by every worker. If Redis is down the endpoint keeps answering:
    a claim then counts as first (a retry may redo the work), which beats not answering at all."""

    def __init__(self, client, ttl: float = DEFAULT_TTL_SECONDS, prefix: str = "kepu:wechat:"):
        self.client = client  # redis.asyncio.Redis with decode_responses=True
        self.ttl = max(1, int(ttl))
        self.prefix = prefix

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}{kind}:{hashlib.sha1(key.encode('utf-8')).hexdigest()}"

    async def claim(self, key: str) -> bool:
        try:
            return bool(await self.client.set(self._key("seen", key), "1", nx=True, ex=self.ttl))
        except _REDIS_ERRORS as exc:
            log.error("dedupe store unavailable, handling message without dedupe: %s", exc)
            return True

    async def put_reply(self, key: str, reply: str) -> None:
        try:
            await self.client.set(self._key("reply", key), reply, ex=self.ttl)
        except _REDIS_ERRORS as exc:
            log.error("dedupe store unavailable, reply not shared: %s", exc)

    async def get_reply(self, key: str) -> str | None:
        try:
            return await self.client.get(self._key("reply", key))
        except _REDIS_ERRORS as exc:
            log.error("dedupe store unavailable: %s", exc)
            return None

    async def claim_delivery(self, key: str, how: str) -> str:
        name = self._key("delivery", key)
        try:
            if await self.client.set(name, how, nx=True, ex=self.ttl):
                return how
            return (await self.client.get(name)) or how
        except _REDIS_ERRORS as exc:
            log.error("dedupe store unavailable: %s", exc)
            return how


def redis_client(url: str):
    """An asyncio Redis client with short timeouts: a dead Redis must not eat the 5-second budget."""
    import redis.asyncio as redis

    return redis.from_url(url, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5)
