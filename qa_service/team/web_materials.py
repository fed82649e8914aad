"""素材 pages: write, preview, submit, review and retire material in the browser.

GET  /team/materials                     lists: to review, sent back, drafts, due / overdue review dates
GET  /team/materials/new[?group=ID]      a new draft (wording of a queue group prefilled)
POST /team/materials                     create the draft
GET  /team/materials/{id}                edit form, preview as WeChat and the web show it, review actions
POST /team/materials/{id}                save the draft (action=save) or preview it unsaved (action=preview)
POST /team/materials/{id}/submit|approve|send-back|retire
POST /team/review/withdraw-overdue       审核: overdue past the grace period leaves the public side
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from graph.db import DatabaseError
from graph.errors import GraphError
from graph.search.material_store import VERDICTS, MaterialRecord
from graph.settings import Settings
from qa_service.http.deps import MaterialIndexDep, RumorCheckerDep, SettingsDep, TeamDep
from qa_service.rumors.check import build_reply
from qa_service.team import demand
from qa_service.team.drafts import EDITABLE, record_from_form
from qa_service.team.errors import InvalidInput, TeamError
from qa_service.team.review import STATE_NAMES, Review, review_by_of
from qa_service.team.web_common import PageDenied, form_of, page_member, team_render
from qa_service.web.render import error_page
from qa_service.wechat.reply_format import format_reply

log = logging.getLogger(__name__)
router = APIRouter()
ACTIONS = {"submit": "editor", "approve": "reviewer", "send-back": "reviewer", "retire": "reviewer"}


def index_records(handle) -> dict[str, MaterialRecord]:
    """The live index's materials (drafts included: staff see them), by id."""
    index = handle.get() if handle is not None else None
    return dict(index.materials) if index is not None else {}


def _reindex(settings: Settings, handle, checker) -> None:
    from ingest.corpus_indexer import build_index

    if checker is None:
        log.warning("no rumour checker: material files written, index not rebuilt")
        return
    build_index(settings, checker.encoder)
    handle.refresh()


def get_review(
    team: TeamDep, settings: SettingsDep, handle: MaterialIndexDep, checker: RumorCheckerDep
) -> Review:
    """Writing and review over the live index; review dates counted by the clock the public side
    withdraws overdue material by (the index's serving rule, graph/search/serving.py)."""
    return Review(
        team.settings,
        team.db,
        lambda mid: index_records(handle).get(mid),
        lambda: _reindex(settings, handle, checker),
        on_approved=team.on_approved,
        today=handle.rule.today if handle is not None else dt.date.today,
    )


ReviewDep = Annotated[Review, Depends(get_review)]


def _preview(record: MaterialRecord) -> dict:
    reply = build_reply(record.verdict, record.title, record.summary, record.source)
    return {"wechat": format_reply(reply), "web": record}


def _form_values(record: MaterialRecord | None, form: dict | None = None) -> dict:
    if form is not None:
        return {k: form.get(k, "") for k in EDITABLE}
    if record is None:
        return {k: "" for k in EDITABLE}
    return {
        "title": record.title,
        "verdict": record.verdict,
        "summary": record.summary,
        "source": record.source,
        "url": record.url,
        "claims": "\n".join(record.claims),
        "topics": "\n".join(record.topics),
        "audience": "\n".join(record.audience),
        "body": record.body.strip(),
    }


def _edit_page(
    request: Request,
    review: Review,
    member,
    material_id: str,
    *,
    form: dict | None = None,
    problem: str = "",
    status: int = 200,
    preview_record: MaterialRecord | None = None,
    notice: str = "",
):
    copy = review.copy(material_id)
    if copy is None:
        return error_page(request, 404, "未找到", f"未找到素材 {material_id}。")
    state = review.state(material_id)
    shown = preview_record or copy.record
    return team_render(
        request,
        "team/material_edit.html",
        status_code=status,
        member=member,
        material_id=material_id,
        values=_form_values(copy.record, form),
        base_hash=(form or {}).get("base_hash", copy.hash),
        record=copy.record,
        pending=copy.pending,
        state=state,
        state_names=STATE_NAMES,
        verdicts=VERDICTS,
        preview=_preview(shown),
        problem=problem,
        notice=notice,
        creating=False,
        review_by=review_by_of(copy.record),
        group_id=(form or {}).get("group", ""),
    )


@router.get("/team/materials")
def materials_page(request: Request, review: ReviewDep, handle: MaterialIndexDep):
    try:
        member = page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    records = index_records(handle)
    states = review.states()
    rows = sorted(records.values(), key=lambda r: (r.updated_at, r.id), reverse=True)
    lists = {
        name: [m for m in rows if states.get(m.id) and states[m.id].state == name]
        for name in ("submitted", "sent_back", "draft", "overdue")
    }
    untracked_drafts = [m for m in rows if m.status == "draft" and m.id not in states]
    due = review.due(list(records.values()))
    return team_render(
        request,
        "team/materials.html",
        member=member,
        lists=lists,
        states=states,
        rows=rows,
        untracked_drafts=untracked_drafts,
        due=due,
        withdrawn={r["id"] for r in due["withdraw"]},
        state_names=STATE_NAMES,
        grace=review.settings.review_grace_days,
    )


@router.get("/team/materials/new")
def new_material(request: Request, team: TeamDep, group: int | None = None):
    try:
        member = page_member(request, "editor")
    except PageDenied as denied:
        return denied.response
    values = {k: "" for k in EDITABLE}
    if group is not None:
        found = demand.group_detail(team.db, group)
        if found is None:
            return error_page(request, 404, "未找到", f"没有编号为 {group} 的问题组。")
        examples = list(dict.fromkeys([found["title"], *(m["text"] for m in found["messages"][:5])]))
        values.update(title=found["title"][:60], claims="\n".join(examples))
    return _new_material_page(request, member, "", values, "" if group is None else str(group))


def _new_material_page(
    request: Request,
    member,
    material_id: str,
    values: dict,
    group_id: str,
    problem: str = "",
    status_code: int = 200,
):
    """The form for a material not written yet (blank, prefilled from a queue group, or sent back with a problem)."""
    return team_render(
        request,
        "team/material_edit.html",
        status_code=status_code,
        member=member,
        material_id=material_id,
        values=values,
        base_hash="",
        record=None,
        pending=False,
        state=None,
        state_names=STATE_NAMES,
        verdicts=VERDICTS,
        preview=None,
        problem=problem,
        notice="",
        creating=True,
        review_by="",
        group_id=group_id,
    )


@router.post("/team/materials")
async def create_material(request: Request, review: ReviewDep):
    form = await form_of(request)
    try:
        member = page_member(request, "editor", csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    material_id = (
        form.get("id", "").strip() or "m-" + hashlib.sha1(form.get("title", "").encode()).hexdigest()[:10]
    )
    group = int(form["group"]) if form.get("group", "").isdigit() else None
    try:
        review.save(member, material_id, form, "", group_id=group, create=True)
    except (TeamError, GraphError, DatabaseError) as exc:
        return _new_material_page(
            request,
            member,
            material_id,
            _form_values(None, form),
            form.get("group", ""),
            problem=exc.user_message,
            status_code=getattr(exc, "status", 503),
        )
    return RedirectResponse(f"/team/materials/{quote(material_id)}?saved=1", status_code=303)


@router.get("/team/materials/{material_id}")
def edit_material(request: Request, review: ReviewDep, material_id: str, saved: int = 0, done: str = ""):
    try:
        member = page_member(request, "viewer")
    except PageDenied as denied:
        return denied.response
    notice = (
        "草稿已保存。"
        if saved
        else (
            {
                "submit": "已提交审核。",
                "approve": "已审核通过并发布。",
                "send-back": "已退回给作者。",
                "retire": "已下架。",
            }.get(done, "")
        )
    )
    return _edit_page(request, review, member, material_id, notice=notice)


@router.post("/team/materials/{material_id}")
async def save_material(request: Request, review: ReviewDep, material_id: str):
    form = await form_of(request)
    try:
        member = page_member(request, "editor", csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    if form.get("action") == "preview":
        copy = review.copy(material_id)
        try:
            record = record_from_form(form, copy.record if copy else None, material_id, "draft", "2000-01-01")
        except InvalidInput as exc:
            return _edit_page(
                request, review, member, material_id, form=form, problem=exc.user_message, status=422
            )
        return _edit_page(
            request,
            review,
            member,
            material_id,
            form=form,
            preview_record=record,
            notice="预览（尚未保存）。",
        )
    try:
        review.save(member, material_id, form, form.get("base_hash", ""))
    except (TeamError, GraphError, DatabaseError) as exc:
        return _edit_page(
            request,
            review,
            member,
            material_id,
            form=form,
            problem=exc.user_message,
            status=getattr(exc, "status", 503),
        )
    return RedirectResponse(f"/team/materials/{quote(material_id)}?saved=1", status_code=303)


@router.post("/team/materials/{material_id}/{action}")
async def review_action(request: Request, team: TeamDep, review: ReviewDep, material_id: str, action: str):
    if action not in ACTIONS:
        return error_page(request, 404, "未找到", "未知操作。")
    form = await form_of(request)
    try:
        member = page_member(request, ACTIONS[action], csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    try:
        if action == "submit":
            review.submit(member, material_id)
        elif action == "approve":
            review.approve(member, material_id, form.get("base_hash", ""), form.get("comment", ""))
            pusher = team.pusher
            if pusher is not None:
                pusher.kick()
        elif action == "send-back":
            review.send_back(member, material_id, form.get("comment", ""))
        else:
            review.retire(member, material_id, form.get("base_hash", ""))
    except (TeamError, GraphError, DatabaseError) as exc:
        return _edit_page(
            request, review, member, material_id, problem=exc.user_message, status=getattr(exc, "status", 503)
        )
    return RedirectResponse(f"/team/materials/{quote(material_id)}?done={action}", status_code=303)


@router.post("/team/review/withdraw-overdue")
async def withdraw_overdue(request: Request, review: ReviewDep, handle: MaterialIndexDep):
    form = await form_of(request)
    try:
        member = page_member(request, "reviewer", csrf=form.get("csrf"))
    except PageDenied as denied:
        return denied.response
    withdrawn = review.withdraw_overdue(member, list(index_records(handle).values()))
    log.info("%s withdrew %d overdue materials", member.name, len(withdrawn))
    return RedirectResponse("/team/materials", status_code=303)
