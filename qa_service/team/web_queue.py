"""The unanswered queue for the team.

GET /team/queue                 groups ranked by demand, trending ones flagged (舆情)
GET /team/queue.csv, .xlsx      the same for the weekly meeting
GET /team/queue/{group_id}      one group's messages
GET /api/team/queue             JSON
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qa_service.http.deps import TeamDep
from qa_service.team import demand
from qa_service.team.auth import api_member
from qa_service.team.services import Team
from qa_service.team.web_common import PageDenied, page_member, team_render
from qa_service.web.render import error_page

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _groups(team: Team, status: str, limit: int):
    team.recorder.flush(1.0)  # what was just asked shows up at once
    return demand.ranked_groups(team.db, status=status, limit=limit)


@router.get("/team/queue")
def queue_page(
    request: Request,
    team: TeamDep,
    status: str = Query("open", pattern="^(open|closed|all)$"),
    limit: int = Query(100, ge=1, le=1000),
):
    try:
        member = page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    return team_render(
        request, "team/queue.html", member=member, groups=_groups(team, status, limit), status=status
    )


@router.get("/team/queue.csv")
def queue_csv(request: Request, team: TeamDep, status: str = Query("open", pattern="^(open|closed|all)$")):
    try:
        page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    return Response(
        demand.export_csv(_groups(team, status, 1000)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kepu-queue.csv"'},
    )


@router.get("/team/queue.xlsx")
def queue_xlsx(request: Request, team: TeamDep, status: str = Query("open", pattern="^(open|closed|all)$")):
    try:
        page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    return Response(
        demand.export_xlsx(_groups(team, status, 1000)),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="kepu-queue.xlsx"'},
    )


@router.get("/team/queue/{group_id}")
def group_page(request: Request, team: TeamDep, group_id: int):
    try:
        member = page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    group = demand.group_detail(team.db, group_id)
    if group is None:
        return error_page(request, 404, "未找到", f"没有编号为 {group_id} 的问题组。")
    return team_render(request, "team/group.html", member=member, group=group)


@router.get("/api/team/queue")
def queue_api(
    request: Request,
    team: TeamDep,
    status: str = Query("open", pattern="^(open|closed|all)$"),
    limit: int = Query(100, ge=1, le=1000),
):
    api_member(request, "viewer")
    return {"status": status, "groups": [g.to_json() for g in _groups(team, status, limit)]}
