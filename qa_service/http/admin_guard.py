"""The admin guard, shared by the admin API and the pages: a team member's API token or
KEPU_ADMIN_TOKEN (the bootstrap 管理 account, named by X-Kepu-User) in `X-Kepu-Token` /
`Authorization: Bearer …`, or a signed-in page session (writes then need its CSRF token in
`X-CSRF-Token`); see qa_service/team/auth.py. Endpoints take `who: AdminUser` (any member, 查看 and
up), `who: EditorUser` (编辑 and up) or `member: ReviewerMember` (审核 and up).

503 when no token is configured and the team has no members, 401 without a credential, 403 for a
wrong one or a role too low.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from graph.db import DatabaseError
from qa_service.http.deps import get_settings
from qa_service.team.accounts import Member
from qa_service.team.auth import api_member, header_token, team_of, token_member
from qa_service.team.sessions import COOKIE

DISABLED = "管理功能未启用：服务器未配置管理口令（KEPU_ADMIN_TOKEN），也没有团队账号。"


def _has_members(request: Request) -> bool:
    try:
        return team_of(request).accounts.count() > 0
    except DatabaseError:
        return False


def admin_member(request: Request, need: str = "viewer") -> Member:
    """The member behind the request if their role is at least `need`."""
    settings = get_settings(request)
    token = header_token(request)
    if not token and request.cookies.get(COOKIE) is None:
        if not settings.admin_token and not _has_members(request):
            raise HTTPException(503, DISABLED)
        raise HTTPException(401, "需要管理口令：请在 X-Kepu-Token 请求头中提供。")
    if token and token_member(request, token) is None:
        if not settings.admin_token and not _has_members(request):
            raise HTTPException(503, DISABLED)
        raise HTTPException(403, "管理口令无效。")
    return api_member(request, need)


def admin_user(request: Request) -> str:
    return admin_member(request).name


def editor_user(request: Request) -> str:
    return admin_member(request, "editor").name


def reviewer_member(request: Request) -> Member:
    return admin_member(request, "reviewer")


def is_admin(request: Request) -> bool:
    """Whether the request may see drafts and retired material (any team member)."""
    try:
        admin_user(request)
    except HTTPException:
        return False
    return True


AdminUser = Annotated[str, Depends(admin_user)]
EditorUser = Annotated[str, Depends(editor_user)]
ReviewerMember = Annotated[Member, Depends(reviewer_member)]
