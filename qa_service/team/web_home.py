"""GET /team: the team's dashboard; GET /team/charts/{name}.svg: its pictures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qa_service.http.deps import MaterialIndexDep, TeamDep
from qa_service.team import charts, feedback
from qa_service.team.dashboard import cached_figures, current_figures
from qa_service.team.web_common import PageDenied, page_member, team_render
from qa_service.team.web_materials import ReviewDep, index_records
from qa_service.web.render import error_page

router = APIRouter()


@router.get("/team")
def home(request: Request, team: TeamDep, review: ReviewDep, handle: MaterialIndexDep, password: int = 0):
    try:
        member = page_member(request)
    except PageDenied as denied:
        return denied.response
    # The page's own numbers are always current; its charts, asked for next, reuse them (CACHE_SECONDS).
    f = current_figures(team.db)
    return team_render(
        request,
        "team/home.html",
        member=member,
        password_changed=bool(password),
        f=f,
        due=review.due(list(index_records(handle).values())),
        useless=feedback.useless_answers(team.db, limit=5),
        charts=charts.CHARTS,
    )


@router.get("/team/charts/{name}.svg")
def chart(request: Request, team: TeamDep, name: str):
    try:
        page_member(request)
    except PageDenied as denied:
        return denied.response
    if name not in charts.CHARTS:
        return error_page(request, 404, "未找到", "没有这张图。")
    svg = charts.render(name, cached_figures(team.db))
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": charts.CHART_POLICY, "Cache-Control": "private, max-age=60"},
    )
