"""Conversation state per session id, behind a tiny get/put/delete interface.

State is a JSON-serialisable dict (the previous turn's intent, measure ids, unit), so a shared
store (Redis, KEPU_REDIS_URL) can replace the in-process one without touching the callers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from graph.fsutil import atomic_write_text

DEFAULT_TTL_SECONDS = 30 * 60
DEFAULT_MAX_SESSIONS = 10_000
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


class SessionStore(ABC):
    """Sessions expire after `ttl` seconds without a get or put."""

    @abstractmethod
    def get(self, session_id: str) -> dict | None: ...

    @abstractmethod
    def put(self, session_id: str, state: dict) -> None: ...

    @abstractmethod
    def delete(self, session_id: str) -> None: ...


class InMemorySessionStore(SessionStore):
    """Process-local, bounded (least recently used sessions are dropped first), thread-safe."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        clock: Callable[[], float] = time.monotonic,
    ):
        if ttl <= 0 or max_sessions <= 0:
            raise ValueError("ttl and max_sessions must be positive")
        self.ttl = ttl
        self.max_sessions = max_sessions
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str) -> dict | None:
        now = self._clock()
        with self._lock:
            item = self._items.get(session_id)
            if item is None:
                return None
            touched, payload = item
            if now - touched > self.ttl:
                del self._items[session_id]
                return None
            self._items[session_id] = (now, payload)
            self._items.move_to_end(session_id)
        return json.loads(payload)

    def put(self, session_id: str, state: dict) -> None:
        # Serialising here keeps the in-process store honest about what Redis could hold.
        payload = json.dumps(state, ensure_ascii=False)
        now = self._clock()
        with self._lock:
            self._items[session_id] = (now, payload)
            self._items.move_to_end(session_id)
            self._evict(now)

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._items.pop(session_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _evict(self, now: float) -> None:
        while self._items:
            oldest_id, (touched, _) = next(iter(self._items.items()))
            if len(self._items) > self.max_sessions or now - touched > self.ttl:
                del self._items[oldest_id]
            else:
                break


class FileSessionStore(SessionStore):
    """One JSON file per session under a directory: lets `kepu ask --session` span invocations."""

    def __init__(self, directory: Path, ttl: float = DEFAULT_TTL_SECONDS):
        self.directory = Path(directory)
        self.ttl = ttl

    def _path(self, session_id: str) -> Path:
        if not _SAFE_ID.match(session_id):
            raise ValueError(f"unsafe session id: {session_id!r}")
        return self.directory / f"{session_id}.json"

    def get(self, session_id: str) -> dict | None:
        path = self._path(session_id)
        try:
            age = time.time() - path.stat().st_mtime
            if age > self.ttl:
                path.unlink(missing_ok=True)
                return None
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, session_id: str, state: dict) -> None:
        path = self._path(session_id)
        atomic_write_text(path, json.dumps(state, ensure_ascii=False))

    def delete(self, session_id: str) -> None:
        self._path(session_id).unlink(missing_ok=True)
