"""Sign-in pages and account management.

GET/POST /team/login           name + password (or the one-time setup code at first login)
GET/POST /team/password        choose a password (first login, or change it)
POST     /team/logout
GET      /team/users           管理: members, roles, add / reset / disable, API tokens
POST     /team/users, /team/users/{name}/role|reset|disable|enable|token
GET      /api/team/me, /api/team/audit
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import unquote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from qa_service.http.deps import TeamDep
from qa_service.team import audit
from qa_service.team.accounts import Member
from qa_service.team.auth import api_member, session_of
from qa_service.team.errors import TeamError
from qa_service.team.services import Team
from qa_service.team.sessions import COOKIE
from qa_service.team.web_common import (
    LOGIN_CSRF_COOKIE,
    PageDenied,
    form_of,
    new_login_csrf,
    page_member,
    team_render,
)

log = logging.getLogger(__name__)
router = APIRouter()


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def _safe_next(target: str | None) -> str:
    target = unquote(target or "")
    return (
        target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/team"
    )


def _login_page(request: Request, next_url: str, problem: str = "", status: int = 200, name: str = ""):
    token = new_login_csrf()
    response = team_render(
        request,
        "team/login.html",
        status_code=status,
        login_csrf=token,
        next_url=next_url,
        problem=problem,
        name=name,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/team"
    )
    return response


def _set_session(response, request: Request, team: Team, member: Member) -> None:
    cookie, _ = team.sessions.create(member)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=team.sessions.lifetime,
        httponly=True,
        samesite="lax",
        path="/",
        secure=request.url.scheme == "https",
    )


@router.get("/team/login")
def login_form(request: Request, next: str = Query("/team")):  # noqa: A002 - the query parameter's name
    return _login_page(request, _safe_next(next))


@router.post("/team/login")
async def login(request: Request, team: TeamDep):
    form = await form_of(request)
    next_url = _safe_next(form.get("next"))
    name = form.get("name", "").strip()[:64]
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, form.get("csrf", "")):
        return _login_page(request, next_url, "页面已过期，请重新登录。", 403, name)
    ip = _client_ip(request)
    try:
        team.limiter.check(name, ip)
    except TeamError as exc:
        log.warning("login refused for %r from %s: too many failures", name, ip)
        response = _login_page(request, next_url, exc.user_message, 429, name)
        response.headers["Retry-After"] = "900"
        return response
    member, first = team.accounts.authenticate(name, form.get("password", ""))
    if member is None:
        team.limiter.failed(name, ip)
        log.info("failed login for %r from %s", name, ip)
        return _login_page(request, next_url, "用户名或密码不正确。", 401, name)
    team.limiter.succeeded(name)
    response = RedirectResponse("/team/password?first=1" if first else next_url, status_code=303)
    _set_session(response, request, team, member)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/team")
    log.info("%s signed in%s", member.name, " (first login)" if first else "")
    return response


@router.get("/team/password")
def password_form(request: Request, first: int = 0):
    try:
        member = page_member(request)
    except PageDenied as denied:
        return denied.response
    return team_render(request, "team/password.html", member=member, first=bool(first), problem="")


@router.post("/team/password")
async def set_password(request: Request, team: TeamDep):
    form = await form_of(request)
    try:
        member = page_member(request, csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    if member.via != "session":
        return team_render(
            request,
            "team/password.html",
            status_code=422,
            member=member,
            first=False,
            problem="请在网页登录后修改密码。",
        )
    problem = ""
    if form.get("password", "") != form.get("again", ""):
        problem = "两次输入的密码不一致。"
    else:
        try:
            team.accounts.set_password(member, form.get("password", ""))
        except TeamError as exc:
            problem = exc.user_message
    if problem:
        return team_render(
            request,
            "team/password.html",
            status_code=422,
            member=member,
            first=form.get("first") == "1",
            problem=problem,
        )
    return RedirectResponse("/team?password=1", status_code=303)


@router.post("/team/logout")
async def logout(request: Request, team: TeamDep):
    form = await form_of(request)
    session = session_of(request)
    if session is not None:
        try:
            page_member(request, csrf=form.get("csrf"))
        except PageDenied as denied:
            return denied.response
        team.sessions.end(session.id)
    response = RedirectResponse("/team/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/team/users")
def users_page(request: Request, team: TeamDep, made: str = "", code: str = "", token: str = ""):
    try:
        member = page_member(request, "admin")
    except PageDenied as denied:
        return denied.response
    return team_render(
        request,
        "team/users.html",
        member=member,
        users=team.accounts.list(),
        made=made,
        code=code,
        token=token,
        problem="",
    )


async def _user_action(request: Request, team: Team, name: str | None, action: str):
    form = await form_of(request)
    try:
        member = page_member(request, "admin", csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    accounts = team.accounts
    made = code = token = ""
    try:
        if action == "add":
            name = form.get("name", "").strip()
            code = accounts.add(name, form.get("role", ""), member.name)
            made = name
        elif action == "role":
            accounts.set_role(name, form.get("role", ""), member.name)
        elif action == "reset":
            code, made = accounts.reset(name, member.name), name
        elif action in ("disable", "enable"):
            if name == member.name:
                raise TeamError("self-disable", "不能停用自己的账号。")
            accounts.set_disabled(name, action == "disable", member.name)
        elif action == "token":
            token, made = accounts.create_token(name, form.get("label", ""), member.name), name
    except TeamError as exc:
        return team_render(
            request,
            "team/users.html",
            status_code=exc.status if exc.status != 400 else 422,
            member=member,
            users=accounts.list(),
            made="",
            code="",
            token="",
            problem=exc.user_message,
        )
    # Codes and tokens are shown once, on this response only (never in a URL or a log).
    return team_render(
        request,
        "team/users.html",
        member=member,
        users=accounts.list(),
        made=made,
        code=code,
        token=token,
        problem="",
    )


@router.post("/team/users")
async def add_user(request: Request, team: TeamDep):
    return await _user_action(request, team, None, "add")


@router.post("/team/users/{name}/{action}")
async def user_action(name: str, action: str, request: Request, team: TeamDep):
    if action not in ("role", "reset", "disable", "enable", "token"):
        return team_render(request, "error.html", status_code=404, title="未找到", message="未知操作。")
    return await _user_action(request, team, name, action)


@router.get("/api/team/me")
def me(request: Request):
    member = api_member(request, "viewer")
    return {"name": member.name, "role": member.role, "via": member.via}


@router.get("/api/team/audit")
def audit_entries(
    request: Request, team: TeamDep, target: str | None = None, limit: int = Query(200, ge=1, le=1000)
):
    api_member(request, "viewer")
    return {"entries": audit.entries(team.db, limit, target)}
