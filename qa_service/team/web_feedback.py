"""Ratings from the public and what editors see of them.

POST /feedback            the 问答 page's 有用 / 没用 form (token bound to the visitor's cookie)
POST /api/feedback        {"answer_id", "rating": "有用"|"没用", "reason"} (answer id from X-Kepu-Answer-Id)
GET  /team/feedback       查看+: answers rated 没用 with question, material or clause, reason
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, RedirectResponse

from graph.db import DatabaseError
from qa_service.http.deps import TeamDep
from qa_service.team import feedback
from qa_service.team.errors import TeamError
from qa_service.team.services import Team
from qa_service.team.web_common import PageDenied, form_of, page_member, team_render
from qa_service.web.render import error_page

log = logging.getLogger(__name__)
router = APIRouter()
ASK_COOKIE = "kepu_sid"


def feedback_token(team: Team, sid: str, answer_id: str) -> str:
    """The form token of one answer's rating: signed, bound to the visitor's session cookie."""
    try:
        return team.sessions.signer.get_signature(f"feedback:{sid}:{answer_id}").decode("ascii")
    except DatabaseError:
        return ""


def _token_ok(request: Request, team: Team, answer_id: str, token: str) -> bool:
    sid = request.cookies.get(ASK_COOKIE, "")
    if not (sid and token):
        return False
    expected = feedback_token(team, sid, answer_id)
    return bool(expected) and hmac.compare_digest(expected, token)


@router.post("/feedback", include_in_schema=False)
async def rate_form(request: Request, team: TeamDep):
    form = await form_of(request)
    answer_id = form.get("answer_id", "")
    if not _token_ok(request, team, answer_id, form.get("token", "")):
        return error_page(request, 403, "无法提交评价", "页面已过期，请重新提问后再评价。")
    try:
        feedback.rate(team.db, answer_id, form.get("rating", ""), form.get("reason", ""), "web")
    except TeamError as exc:
        return error_page(request, exc.status, "无法提交评价", exc.user_message)
    except DatabaseError as exc:
        return error_page(request, 503, "无法提交评价", exc.user_message)
    back = form.get("q", "")
    from qa_service.web.render import with_query

    return RedirectResponse(with_query("/", q=back, rated=form.get("rating", "")), status_code=303)


@router.post("/api/feedback", tags=["政策问答"])
def rate_api(team: TeamDep, body: dict = Body(...)):
    """Rate an answer: {"answer_id": "...", "rating": "有用" | "没用", "reason": "..."}."""
    try:
        feedback.rate(
            team.db,
            str(body.get("answer_id") or ""),
            str(body.get("rating") or ""),
            str(body.get("reason") or ""),
            "api",
        )
    except TeamError as exc:
        return JSONResponse({"detail": exc.user_message}, status_code=exc.status)
    except DatabaseError as exc:
        return JSONResponse({"detail": exc.user_message}, status_code=503)
    return {"ok": True}


@router.get("/team/feedback")
def useless_page(request: Request, team: TeamDep):
    try:
        member = page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    team.recorder.flush(1.0)
    return team_render(
        request,
        "team/feedback.html",
        member=member,
        rows=feedback.useless_answers(team.db),
        counts=feedback.counts(team.db),
    )
