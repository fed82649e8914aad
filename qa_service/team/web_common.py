"""What the team pages share: who is signed in (or a redirect to the login page), CSRF checks on
forms, and the page/error responses."""

from __future__ import annotations

import secrets
import time
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from qa_service.team.auth import member_of, require, session_of
from qa_service.team.errors import NotSignedIn, TeamError
from qa_service.team.roles import ROLE_NAMES, allows
from qa_service.web.render import error_page, render

LOGIN_CSRF_COOKIE = "kepu_login_csrf"


class PageDenied(Exception):
    """Raised inside a page handler; `response` is what the browser gets."""

    def __init__(self, response):
        super().__init__("page denied")
        self.response = response


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/team/login?next={quote(target, safe='')}", status_code=303)


def page_member(request: Request, role: str = "viewer", csrf: str | None = None):
    """The signed-in member with at least `role`; PageDenied with a login redirect or a 403 page."""
    try:
        return require(request, role, csrf)
    except NotSignedIn:
        raise PageDenied(login_redirect(request)) from None
    except TeamError as exc:
        raise PageDenied(error_page(request, exc.status, "无权访问", exc.user_message)) from None


def optional_member(request: Request):
    try:
        return member_of(request) if request.method == "GET" else None
    except TeamError:
        return None


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def team_render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    session = session_of(request)
    member = context.pop("member", None) or (session.member if session else None)
    context.update(
        member=member,
        csrf=session.csrf if session else "",
        team_roles=ROLE_NAMES,
        when=when,
        allows=lambda need: member is not None and allows(member.role, need),
    )
    return render(request, template, status_code=status_code, active="/team", **context)


def when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else ""


def new_login_csrf() -> str:
    return secrets.token_urlsafe(18)
