"""Signed-in browsers: a random session id in the database (with its CSRF token and expiry),
sent as a cookie signed with itsdangerous; and the limit on failed logins.

The signing key lives in the database (team_settings), so every replica accepts every cookie;
the session row makes logout and a 管理 reset take effect at once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from graph.db import Database
from graph.db.schema import login_failures, team_settings, users, web_sessions
from qa_service.team.accounts import Member
from qa_service.team.errors import TooManyAttempts

COOKIE = "kepu_team"
FAILURE_WINDOW = 15 * 60
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_IP = 20


@dataclass(frozen=True)
class Session:
    id: str
    member: Member
    csrf: str
    expires_at: float


def _signing_key(database: Database) -> str:
    with database.read() as c:
        key = c.execute(select(team_settings.c.value).where(team_settings.c.key == "cookie_key")).scalar()
    if key:
        return key
    try:
        with database.begin() as c:
            c.execute(insert(team_settings).values(key="cookie_key", value=secrets.token_urlsafe(32)))
    except IntegrityError:
        pass  # another worker made it first
    with database.read() as c:
        return c.execute(
            select(team_settings.c.value).where(team_settings.c.key == "cookie_key")
        ).scalar_one()


class SessionStore:
    def __init__(self, database: Database, hours: int = 12):
        self.db = database
        self.lifetime = hours * 3600
        self._signer: TimestampSigner | None = None

    @property
    def signer(self) -> TimestampSigner:
        if self._signer is None:
            self._signer = TimestampSigner(_signing_key(self.db), salt="kepu-team-session")
        return self._signer

    def create(self, member: Member) -> tuple[str, Session]:
        """A new session; returns (cookie value, session)."""
        now = time.time()
        session = Session(secrets.token_urlsafe(32), member, secrets.token_urlsafe(24), now + self.lifetime)
        with self.db.begin() as c:
            c.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            c.execute(
                insert(web_sessions).values(
                    id=session.id,
                    user_id=member.id,
                    csrf=session.csrf,
                    created_at=now,
                    expires_at=session.expires_at,
                )
            )
        return self.signer.sign(session.id).decode("ascii"), session

    def lookup(self, cookie: str) -> Session | None:
        if not cookie:
            return None
        try:
            session_id = self.signer.unsign(cookie, max_age=self.lifetime).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None
        query = (
            select(
                web_sessions.c.csrf,
                web_sessions.c.expires_at,
                users.c.id,
                users.c.name,
                users.c.role,
                users.c.disabled,
            )
            .join(users, users.c.id == web_sessions.c.user_id)
            .where(web_sessions.c.id == session_id)
        )
        with self.db.read() as c:
            row = c.execute(query).mappings().first()
        if row is None or row["disabled"] or row["expires_at"] < time.time():
            return None
        return Session(
            session_id, Member(row["id"], row["name"], row["role"]), row["csrf"], row["expires_at"]
        )

    def end(self, session_id: str) -> None:
        with self.db.begin() as c:
            c.execute(delete(web_sessions).where(web_sessions.c.id == session_id))


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), str(given).encode("utf-8", "replace"))


class LoginLimiter:
    """Failed logins per name and per client address within a window, shared through the database."""

    def __init__(self, database: Database):
        self.db = database

    def check(self, name: str, ip: str) -> None:
        since = time.time() - FAILURE_WINDOW
        with self.db.read() as c:
            by_name = c.execute(
                select(func.count())
                .select_from(login_failures)
                .where(and_(login_failures.c.name == name[:64], login_failures.c.at > since))
            ).scalar_one()
            by_ip = c.execute(
                select(func.count())
                .select_from(login_failures)
                .where(and_(login_failures.c.ip == ip[:64], login_failures.c.at > since))
            ).scalar_one()
        if by_name >= MAX_FAILURES_PER_NAME or by_ip >= MAX_FAILURES_PER_IP:
            raise TooManyAttempts(f"login attempts over the limit for {name!r} from {ip}")

    def failed(self, name: str, ip: str) -> None:
        now = time.time()
        with self.db.begin() as c:
            c.execute(delete(login_failures).where(login_failures.c.at < now - FAILURE_WINDOW))
            c.execute(insert(login_failures).values(name=name[:64], ip=ip[:64], at=now))

    def succeeded(self, name: str) -> None:
        with self.db.begin() as c:
            c.execute(delete(login_failures).where(or_(login_failures.c.name == name[:64])))
