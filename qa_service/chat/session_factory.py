"""The factory that picks a session store from settings (apart from the interface, sessions.py)."""

from __future__ import annotations

from graph.settings import Settings
from qa_service.chat.sessions import InMemorySessionStore, SessionStore


def open_session_store(settings: Settings) -> SessionStore:
    """Factory: Redis when KEPU_REDIS_URL is set (shared by all workers), else in-process."""
    if settings.redis_url:
        from qa_service.chat.redis_sessions import RedisSessionStore

        return RedisSessionStore.from_url(settings.redis_url)
    return InMemorySessionStore()
