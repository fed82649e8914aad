"""The team's services, built once per app from settings (the database opens lazily)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from graph.db import Database, open_database
from graph.settings import Settings
from qa_service.team.accounts import Accounts
from qa_service.team.recorder import AnswerRecorder
from qa_service.team.sessions import LoginLimiter, SessionStore

Encode = Callable[[list[str]], np.ndarray]


@dataclass
class Team:
    settings: Settings
    # The sentence encoder's query side, looked up when needed (the rumour checker loads it lazily).
    encoder: Callable[[], Encode | None] = field(default=lambda: None, repr=False)
    # Called inside an approval's transaction when it closes a queue group (telling the askers).
    on_approved: Callable | None = field(default=None, repr=False)
    pusher: object | None = field(
        default=None, repr=False
    )  # qa_service.team.push.Pusher when WeChat can push
    _db: Database | None = field(default=None, repr=False)
    _recorder: AnswerRecorder | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def recorder(self) -> AnswerRecorder:
        if self._recorder is None:
            with self._lock:
                if self._recorder is None:
                    self._recorder = AnswerRecorder(lambda: self.db, self.encoder)
        return self._recorder

    @property
    def db(self) -> Database:
        if self._db is None:
            with self._lock:
                if self._db is None:
                    self._db = open_database(self.settings)
        return self._db

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.db)

    @property
    def sessions(self) -> SessionStore:
        store = getattr(self, "_sessions", None)
        if store is None or store.db is not self.db:
            store = self._sessions = SessionStore(self.db, self.settings.session_hours)
        return store

    @property
    def limiter(self) -> LoginLimiter:
        return LoginLimiter(self.db)

    def stop(self) -> None:
        """App shutdown: what was logged is written, the push worker stops (no pass after it)."""
        if self._recorder is not None:
            self._recorder.flush(timeout=5.0)
        if self.pusher is not None:
            self.pusher.stop()


def build_team(settings: Settings, checker=None, wechat=None) -> Team:
    """The team's part of the services (called by qa_service/services.py): the database opens on
    first use; the WeChat handler gets the answer-log / rating hook, and pushes when it can push."""
    from qa_service.team.hooks import WeChatTeamHook
    from qa_service.team.push import Pusher, enqueue_for_group

    team = Team(settings, encoder=lambda: checker.encode if checker is not None else None,
                on_approved=enqueue_for_group)
    handler = getattr(wechat, "handler", None)
    if handler is not None:
        handler.team = WeChatTeamHook(team)
        if handler.push is not None:  # KEPU_WECHAT_SECRET: tell the askers when a group closes
            team.pusher = Pusher(lambda: team.db, handler.push.send)
    return team


def team_for_app(app) -> Team:
    """The app's Team (the composition root builds it)."""
    return app.state.services.team
