"""Team members: names, roles, passwords (argon2id), one-time setup codes and API tokens.

A member added by `kepu users add` (or a 管理 on /team/users) gets a one-time setup code; at
first login the code stands in for the password and the member chooses one. API tokens for
scripts are shown once and stored only as their sha256.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from graph.db import Database
from graph.db.schema import api_tokens, users, web_sessions
from qa_service.team import audit
from qa_service.team.errors import Conflict, InvalidInput, NotFound
from qa_service.team.roles import parse_role

MIN_PASSWORD = 10
TOKEN_PREFIX = "kepu_"
_NAME = re.compile(r"^[\w.@\-\u3400-\u9fff]{2,32}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    role: str
    via: str = "session"  # session | token | bootstrap


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise InvalidInput(f"bad user name {name!r}", "用户名为 2–32 个汉字、字母、数字或 _ . @ -。")
    return name


def check_password(password: str, name: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput("password too short", f"密码至少 {MIN_PASSWORD} 个字符。")
    if name and name in password:
        raise InvalidInput("password contains the name", "密码不能包含用户名。")
    return password


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _verify(hashed: str | None, given: str) -> bool:
    if not hashed or not given:
        return False
    try:
        return _hasher.verify(hashed, given)
    except (VerificationError, InvalidHashError):
        return False


class Accounts:
    def __init__(self, database: Database):
        self.db = database

    # -- members ---------------------------------------------------------------------------
    def add(self, name: str, role: str, by: str) -> str:
        """Add a member; returns the one-time setup code for the first login."""
        name, role = check_name(name), parse_role(role)
        code = secrets.token_urlsafe(9)
        try:
            with self.db.begin() as c:
                c.execute(
                    insert(users).values(
                        name=name,
                        role=role,
                        setup_hash=_hasher.hash(code),
                        created_at=time.time(),
                        created_by=by,
                        disabled=False,
                    )
                )
                audit.record(c, by, "user.add", name, role=role)
        except IntegrityError:
            raise Conflict(f"user {name} exists", f"用户 {name} 已存在。") from None
        return code

    def reset(self, name: str, by: str) -> str:
        """Clear the password and sessions; returns a new setup code."""
        code = secrets.token_urlsafe(9)
        with self.db.begin() as c:
            user_id = self._id(c, name)
            c.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(password_hash=None, setup_hash=_hasher.hash(code))
            )
            c.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
            audit.record(c, by, "user.reset", name)
        return code

    def set_role(self, name: str, role: str, by: str) -> None:
        role = parse_role(role)
        with self.db.begin() as c:
            c.execute(update(users).where(users.c.id == self._id(c, name)).values(role=role))
            audit.record(c, by, "user.role", name, role=role)

    def set_disabled(self, name: str, disabled: bool, by: str) -> None:
        with self.db.begin() as c:
            user_id = self._id(c, name)
            c.execute(update(users).where(users.c.id == user_id).values(disabled=disabled))
            if disabled:
                c.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
                c.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id))
            audit.record(c, by, "user.disable" if disabled else "user.enable", name)

    def list(self) -> list[dict]:
        with self.db.read() as c:
            rows = (
                c.execute(
                    select(
                        users.c.name,
                        users.c.role,
                        users.c.created_at,
                        users.c.created_by,
                        users.c.disabled,
                        users.c.password_hash.is_not(None).label("active"),
                    ).order_by(users.c.name)
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]

    def count(self) -> int:
        with self.db.read() as c:
            return c.execute(select(func.count()).select_from(users)).scalar_one()

    def _id(self, c, name: str) -> int:
        user_id = c.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if user_id is None:
            raise NotFound(f"no user {name}", f"未找到用户 {name}。")
        return user_id

    # -- passwords -------------------------------------------------------------------------
    def authenticate(self, name: str, secret: str) -> tuple[Member | None, bool]:
        """(member, needs_password): the password checks out, or the setup code of a first login."""
        with self.db.read() as c:
            row = c.execute(select(users).where(users.c.name == (name or "").strip())).mappings().first()
        if row is None or row["disabled"]:
            _hasher.hash(secret or "x")  # the same work as a real check: no timing hint of which names exist
            return None, False
        member = Member(row["id"], row["name"], row["role"])
        if row["password_hash"] is None:
            return (member, True) if _verify(row["setup_hash"], secret) else (None, False)
        return (member, False) if _verify(row["password_hash"], secret) else (None, False)

    def set_password(self, member: Member, password: str) -> None:
        check_password(password, member.name)
        with self.db.begin() as c:
            c.execute(
                update(users)
                .where(users.c.id == member.id)
                .values(password_hash=_hasher.hash(password), setup_hash=None)
            )
            audit.record(c, member.name, "user.password", member.name)

    # -- API tokens ------------------------------------------------------------------------
    def create_token(self, name: str, label: str, by: str) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(24)
        with self.db.begin() as c:
            c.execute(
                insert(api_tokens).values(
                    user_id=self._id(c, name),
                    token_hash=_sha256(token),
                    label=(label or "")[:64],
                    created_at=time.time(),
                )
            )
            audit.record(c, by, "token.create", name, label=label)
        return token

    def member_for_token(self, token: str) -> Member | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        query = (
            select(users.c.id, users.c.name, users.c.role, users.c.disabled, api_tokens.c.id.label("tid"))
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == _sha256(token))
        )
        with self.db.read() as c:
            row = c.execute(query).mappings().first()
        if row is None or row["disabled"]:
            return None
        return Member(row["id"], row["name"], row["role"], via="token")
