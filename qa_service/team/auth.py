"""Who is asking: a team member signed in on the pages (session cookie), a script with its API
token, or the bootstrap 管理 account of KEPU_ADMIN_TOKEN; and whether their role allows it.

Cookie-authenticated writes need the session's CSRF token (form field `csrf` or header
`X-CSRF-Token`); token-authenticated requests carry no ambient credential, so need none.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import unquote

from fastapi import HTTPException, Request

from qa_service.team.accounts import Member
from qa_service.team.errors import Forbidden, NotSignedIn, TeamError
from qa_service.team.roles import ROLE_NAMES, allows
from qa_service.team.services import Team, team_for_app
from qa_service.team.sessions import COOKIE, Session, csrf_ok

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
BOOTSTRAP_ID = 0
_USER_CLEAN = re.compile(r"[^\w .@\-\u3400-\u9fff]")


def team_of(request: Request) -> Team:
    return team_for_app(request.app)


def header_token(request: Request) -> str:
    given = request.headers.get("x-kepu-token", "")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return given


def _header_text(value: str) -> str:
    """A header carrying Chinese: percent-encoded UTF-8, or raw UTF-8 bytes (seen here as latin-1)."""
    value = unquote(value)
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def bootstrap_member(request: Request) -> Member:
    name = _USER_CLEAN.sub("", _header_text(request.headers.get("x-kepu-user", ""))).strip()[:64]
    return Member(BOOTSTRAP_ID, name or "admin", "admin", via="bootstrap")


def session_of(request: Request) -> Session | None:
    cookie = request.cookies.get(COOKIE, "")
    if not cookie:
        return None
    cached = getattr(request.state, "team_session", False)
    if cached is False:
        cached = request.state.team_session = team_of(request).sessions.lookup(cookie)
    return cached


def token_member(request: Request, token: str) -> Member | None:
    """The member a header token names: a per-user API token or KEPU_ADMIN_TOKEN; None if neither."""
    member = team_of(request).accounts.member_for_token(token)
    if member is not None:
        return member
    admin_token = team_of(request).settings.admin_token
    if admin_token and hmac.compare_digest(token.encode("utf-8"), admin_token.encode("utf-8")):
        return bootstrap_member(request)
    return None


def member_of(request: Request, csrf: str | None = None) -> Member:
    """The member behind the request; raises NotSignedIn / Forbidden. `csrf`: the form's token."""
    token = header_token(request)
    if token:
        member = token_member(request, token)
        if member is None:
            raise Forbidden("invalid token", "口令无效。")
        return member
    session = session_of(request)
    if session is None:
        raise NotSignedIn("no session")
    if request.method not in SAFE_METHODS and not csrf_ok(
        session, csrf or request.headers.get("x-csrf-token")
    ):
        raise Forbidden("CSRF token missing or wrong", "页面已过期，请刷新后重试。")
    return session.member


def require(request: Request, role: str, csrf: str | None = None) -> Member:
    member = member_of(request, csrf)
    if not allows(member.role, role):
        raise Forbidden(
            f"{member.name} ({member.role}) needs {role}",
            f"需要“{ROLE_NAMES[role]}”或更高的角色（您是“{ROLE_NAMES.get(member.role, member.role)}”）。",
        )
    return member


def http_error(exc: TeamError) -> HTTPException:
    headers = {"Retry-After": "900"} if exc.status == 429 else None
    return HTTPException(exc.status, exc.user_message, headers=headers)


def api_member(request: Request, role: str) -> Member:
    """`require` for JSON endpoints: TeamError as HTTPException."""
    try:
        return require(request, role)
    except TeamError as exc:
        raise http_error(exc) from None
