"""Conversation state in Redis (KEPU_REDIS_URL), shared by every worker and replica.

One JSON string per session under a hashed key, expiring `ttl` seconds after its last get or put
(GETEX refreshes the expiry as it reads). Callers run in worker threads (FastAPI's thread pool,
the WeChat executor), so this is the synchronous client with its thread-safe connection pool.
When Redis is unreachable a conversation simply has no memory: the question is still answered
as a first question, and the log says why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

from redis.exceptions import RedisError

from qa_service.chat.sessions import DEFAULT_TTL_SECONDS, SessionStore

log = logging.getLogger(__name__)
_REDIS_ERRORS = (RedisError, OSError)
_RETRY_SECONDS = 5.0


class RedisSessionStore(SessionStore):
    def __init__(self, client, ttl: float = DEFAULT_TTL_SECONDS, prefix: str = "kepu:session:"):
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.client = client  # redis.Redis with decode_responses=True
        self.ttl = max(1, int(ttl))
        self.prefix = prefix
        self._skip_until = 0.0

    @classmethod
    def from_url(cls, url: str, ttl: float = DEFAULT_TTL_SECONDS) -> RedisSessionStore:
        import redis

        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5,
                                      health_check_interval=30)
        return cls(client, ttl)

    def _key(self, session_id: str) -> str:
        # Hashed: session ids are openids and cookies, which have no business in a shared cache.
        return self.prefix + hashlib.sha256(session_id.encode("utf-8")).hexdigest()

    def _unavailable(self, what: str, exc: Exception) -> None:
        # Stop asking for a while: a dead Redis then costs one timeout, not two per question.
        self._skip_until = time.monotonic() + _RETRY_SECONDS
        log.error("session store unavailable (%s), conversations have no memory for %.0f s: %s: %s", what,
                  _RETRY_SECONDS, type(exc).__name__, exc)

    def _skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def get(self, session_id: str) -> dict | None:
        if self._skipping():
            return None
        try:
            payload = self.client.getex(self._key(session_id), ex=self.ttl)
        except _REDIS_ERRORS as exc:
            self._unavailable("get", exc)
            return None
        if payload is None:
            return None
        try:
            state = json.loads(payload)
        except ValueError:
            log.warning("discarding an unreadable session state")
            return None
        return state if isinstance(state, dict) else None

    def put(self, session_id: str, state: dict) -> None:
        if self._skipping():
            return
        payload = json.dumps(state, ensure_ascii=False)
        try:
            self.client.set(self._key(session_id), payload, ex=self.ttl)
        except _REDIS_ERRORS as exc:
            self._unavailable("put", exc)

    def delete(self, session_id: str) -> None:
        if self._skipping():
            return
        try:
            self.client.delete(self._key(session_id))
        except _REDIS_ERRORS as exc:
            self._unavailable("delete", exc)
