"""Admin API for curating material: create, update, set status, list drafts, audit log, unanswered.

Every endpoint needs the admin token (KEPU_ADMIN_TOKEN) in `X-Kepu-Token` or
`Authorization: Bearer …`; with no token configured the endpoints are disabled (503). Edits are
written as material files under `settings.materials_dir` (atomically), logged in the audit log
with who (`X-Kepu-User`, default "admin"), what, when and the file hashes before/after, and
re-indexed incrementally; the running server swaps the new index in at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query
from fastapi.responses import JSONResponse

from graph.db import DatabaseError
from graph.errors import GraphError, MaterialInvalid
from graph.search.material_store import STATUSES, MaterialRecord, MaterialStore, audit_log, unanswered_log
from ingest.corpus_indexer import build_index
from ingest.material_loader import load_material_file, validate_material
from qa_service.http.admin_guard import AdminUser, EditorUser, ReviewerMember
from qa_service.http.deps import ServicesDep, SettingsDep
from qa_service.http.errors import json_error
from qa_service.services import Services
from qa_service.team import audit as team_audit

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/admin", tags=["素材管理"])

EDITABLE = ("title", "claims", "verdict", "summary", "topics", "audience", "source", "url", "status",
            "reviewed_by", "reviewed_at", "review_by", "body")
# An approval is a review; the material is due for its next one this many days later.
REVIEW_INTERVAL_DAYS = 365


def _current(services: Services, material_id: str) -> MaterialRecord | None:
    """The material as it stands: the curated file if there is one, else the indexed version."""
    store = MaterialStore(services.settings.materials_dir)
    if store.exists(material_id):
        return load_material_file(store.path_for(material_id))
    index = services.material_index.get() if services.material_index is not None else None
    return index.materials.get(material_id) if index is not None else None


def _payload(body: Any) -> dict:
    if not isinstance(body, dict):
        raise HTTPException(422, "请求体应为 JSON 对象。")
    unknown = set(body) - set(EDITABLE) - {"id", "updated_at"}
    if unknown:
        raise HTTPException(422, f"未知字段：{'、'.join(sorted(unknown))}")
    return body


def _review_stamp(who: str) -> dict:
    today = dt.date.today()
    return {"reviewed_by": who, "reviewed_at": today.isoformat(),
            "review_by": (today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)).isoformat()}


def _save(services: Services, who: str, action: str, before: MaterialRecord | None, meta: dict) -> JSONResponse:
    settings = services.settings
    meta = {**meta, "updated_at": dt.date.today().isoformat()}
    if meta.get("status") == "approved" and not meta.get("reviewed_by"):
        # Approving is the review: record who approved and when.
        meta.update(_review_stamp(who))
    body = meta.pop("body", None)
    body = before.body if body is None and before is not None else (body or "")
    if not isinstance(body, str):
        return json_error(422, "字段 body 应为文本。")
    try:
        record = validate_material(meta, body, f"{meta.get('id')}.md")
    except MaterialInvalid as exc:
        return json_error(422, f"字段 {exc.field} {exc.problem}")
    record.bundled_sample = before.bundled_sample if before is not None else False
    if before is None:
        changes = sorted(EDITABLE)
    else:
        changes = [k for k in EDITABLE if k != "body" and getattr(record, k) != getattr(before, k)]
        if record.body.strip() != before.body.strip():
            changes.append("body")
        if not changes:
            return JSONResponse({"material": before.to_json(with_body=True), "changed": False, "index": None})
    after = MaterialStore(settings.materials_dir).write(record)
    record.content_hash = after
    audit_log(settings.data_dir).record(who, action, record.id, before.content_hash if before else None, after,
                                        changes)
    _team_audit(services, who, f"material.{action}", record.id, status=record.status, changes=changes,
                before=before.content_hash if before else None, after=after)
    log.info("material %s %s by %s", record.id, action, who)
    try:
        if services.rumor is None:
            raise GraphError("rumour side not loaded", user_message="科学辟谣功能暂不可用，请联系管理员。")
        report = build_index(settings, services.rumor.encoder)
        services.material_index.refresh()
    except GraphError as exc:
        log.error("material %s saved but not re-indexed: %s", record.id, exc)
        return json_error(503, f"素材已保存，但索引未能更新：{exc.user_message}")
    status = 201 if action == "create" else 200
    return JSONResponse({"material": record.to_json(with_body=True), "changed": True,
                         "index": {"generation": report.generation, "embedded": report.embedded}},
                        status_code=status)


def _team_audit(services: Services, who: str, action: str, target: str, **detail) -> None:
    try:
        with services.team.db.begin() as connection:
            team_audit.record(connection, who, action, target, **detail)
    except DatabaseError as exc:
        log.error("audit entry %s %s by %s not written: %s", action, target, who, exc)


def _authors(services: Services, material_id: str) -> set[str]:
    """Who wrote the material's text since it was last approved (the audit table, newest first)."""
    authors: set[str] = set()
    try:
        entries = team_audit.entries(services.team.db, limit=1000, target=material_id)
    except DatabaseError:
        return authors
    for entry in entries:
        if entry["action"] in ("material.status", "review.approve") and (
                entry["action"] == "review.approve" or entry["detail"].get("status") == "approved"):
            break
        if entry["action"] in ("material.create", "material.update", "draft.save"):
            authors.add(entry["user"])
    return authors


@router.post("/materials", status_code=201)
def create_material(who: EditorUser, services: ServicesDep, body: Any = Body(None)):
    meta = _payload(body)
    material_id = str(meta.get("id") or "").strip()
    if not material_id:
        title = str(meta.get("title") or "")
        material_id = "m-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    if _current(services, material_id) is not None:
        return json_error(409, f"素材 {material_id} 已存在，请改用更新接口。")
    return _save(services, who, "create", None, {"status": "draft", **meta, "id": material_id})


@router.put("/materials/{material_id}")
def update_material(material_id: str, who: EditorUser, services: ServicesDep, body: Any = Body(None)):
    meta = _payload(body)
    if meta.get("id", material_id) != material_id:
        return json_error(422, "不能修改素材 id。")
    before = _current(services, material_id)
    if before is None:
        return json_error(404, f"未找到素材 {material_id}。")
    merged = {**before.front_matter(), "body": before.body, **meta, "id": material_id}
    return _save(services, who, "update", before, merged)


@router.post("/materials/{material_id}/status")
def set_status(material_id: str, member: ReviewerMember, services: ServicesDep, body: Any = Body(None)):
    who = member.name
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        return json_error(422, f"status 应为以下之一：{'、'.join(STATUSES)}")
    before = _current(services, material_id)
    if before is None:
        return json_error(404, f"未找到素材 {material_id}。")
    if status == "approved" and member.via != "bootstrap" and who in _authors(services, material_id):
        return json_error(403, "不能审核通过自己撰写或修改的草稿，请由另一位审核人员审核。")
    meta = {**before.front_matter(), "body": before.body, "status": status}
    if status == "approved" and before.status != "approved":
        meta.update(_review_stamp(who))
    return _save(services, who, "status", before, meta)


@router.get("/materials")
def list_materials(who: AdminUser, services: ServicesDep, status: str = Query("draft")):
    if status not in (*STATUSES, "all"):
        return json_error(422, f"status 应为以下之一：{'、'.join((*STATUSES, 'all'))}")
    index = services.material_index.get() if services.material_index is not None else None
    records = list(index.materials.values()) if index is not None else []
    chosen = [m for m in records if status == "all" or m.status == status]
    chosen.sort(key=lambda m: (m.updated_at, m.id), reverse=True)
    return {"status": status, "total": len(chosen), "materials": [m.to_json() for m in chosen]}


@router.get("/materials/{material_id}")
def get_material(material_id: str, who: AdminUser, services: ServicesDep):
    record = _current(services, material_id)
    if record is None:
        return json_error(404, f"未找到素材 {material_id}。")
    return record.to_json(with_body=True)


@router.get("/audit")
def audit(who: AdminUser, settings: SettingsDep, material: str | None = None,
          limit: int = Query(100, ge=1, le=1000)):
    entries = audit_log(settings.data_dir).read()
    if material:
        entries = [e for e in entries if e.get("material") == material]
    return {"entries": entries[-limit:][::-1]}


@router.get("/unanswered")
def unanswered(who: AdminUser, settings: SettingsDep, limit: int = Query(100, ge=1, le=1000)):
    return {"questions": unanswered_log(settings.data_dir).summary(limit)}

