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
import hmac
import logging
import re
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from graph.errors import GraphError, MaterialInvalid
from graph.search.material_store import STATUSES, MaterialRecord, MaterialStore, audit_log, unanswered_log
from graph.settings import Settings
from ingest.corpus_indexer import build_index
from ingest.material_loader import load_material_file, validate_material

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/admin", tags=["素材管理"])

EDITABLE = ("title", "claims", "verdict", "summary", "topics", "audience", "source", "url", "status",
            "reviewed_by", "reviewed_at", "body")
_USER_CLEAN = re.compile(r"[^\w .@\-\u3400-\u9fff]")


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def admin_user(request: Request) -> str:
    """The editor's name if the request carries the admin token; raises 503/401/403 otherwise."""
    token = _settings(request).admin_token
    if not token:
        raise HTTPException(503, "管理功能未启用：服务器未配置管理口令（KEPU_ADMIN_TOKEN）。")
    given = request.headers.get("x-kepu-token", "")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if not given:
        raise HTTPException(401, "需要管理口令：请在 X-Kepu-Token 请求头中提供。")
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(403, "管理口令无效。")
    user = _USER_CLEAN.sub("", _header_text(request.headers.get("x-kepu-user", ""))).strip()[:64]
    return user or "admin"


def _header_text(value: str) -> str:
    """A header carrying Chinese: percent-encoded UTF-8, or raw UTF-8 bytes (seen here as latin-1)."""
    value = unquote(value)
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def is_admin(request: Request) -> bool:
    try:
        admin_user(request)
    except HTTPException:
        return False
    return True


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _current(request: Request, material_id: str) -> MaterialRecord | None:
    """The material as it stands: the curated file if there is one, else the indexed version."""
    settings = _settings(request)
    store = MaterialStore(settings.materials_dir)
    if store.exists(material_id):
        return load_material_file(store.path_for(material_id))
    index = request.app.state.material_index.get()
    return index.materials.get(material_id) if index is not None else None


def _payload(body: Any) -> dict:
    if not isinstance(body, dict):
        raise HTTPException(422, "请求体应为 JSON 对象。")
    unknown = set(body) - set(EDITABLE) - {"id", "updated_at"}
    if unknown:
        raise HTTPException(422, f"未知字段：{'、'.join(sorted(unknown))}")
    return body


def _save(request: Request, who: str, action: str, before: MaterialRecord | None, meta: dict) -> JSONResponse:
    settings = _settings(request)
    meta = {**meta, "updated_at": dt.date.today().isoformat()}
    if meta.get("status") == "approved" and not meta.get("reviewed_by"):
        # Approving is the review: record who approved and when.
        meta.update(reviewed_by=who, reviewed_at=dt.date.today().isoformat())
    body = meta.pop("body", None)
    body = before.body if body is None and before is not None else (body or "")
    if not isinstance(body, str):
        return _error(422, "字段 body 应为文本。")
    try:
        record = validate_material(meta, body, f"{meta.get('id')}.md")
    except MaterialInvalid as exc:
        return _error(422, f"字段 {exc.field} {exc.problem}")
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
    log.info("material %s %s by %s", record.id, action, who)
    try:
        report = build_index(settings, request.app.state.rumor_checker.encoder)
        request.app.state.material_index.refresh()
    except GraphError as exc:
        log.error("material %s saved but not re-indexed: %s", record.id, exc)
        return _error(503, f"素材已保存，但索引未能更新：{exc.user_message}")
    status = 201 if action == "create" else 200
    return JSONResponse({"material": record.to_json(with_body=True), "changed": True,
                         "index": {"generation": report.generation, "embedded": report.embedded}},
                        status_code=status)


@router.post("/materials", status_code=201)
def create_material(request: Request, body: Any = Body(None)):
    who = admin_user(request)
    meta = _payload(body)
    material_id = str(meta.get("id") or "").strip()
    if not material_id:
        title = str(meta.get("title") or "")
        material_id = "m-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    if _current(request, material_id) is not None:
        return _error(409, f"素材 {material_id} 已存在，请改用更新接口。")
    return _save(request, who, "create", None, {"status": "draft", **meta, "id": material_id})


@router.put("/materials/{material_id}")
def update_material(material_id: str, request: Request, body: Any = Body(None)):
    who = admin_user(request)
    meta = _payload(body)
    if meta.get("id", material_id) != material_id:
        return _error(422, "不能修改素材 id。")
    before = _current(request, material_id)
    if before is None:
        return _error(404, f"未找到素材 {material_id}。")
    merged = {**before.front_matter(), "body": before.body, **meta, "id": material_id}
    return _save(request, who, "update", before, merged)


@router.post("/materials/{material_id}/status")
def set_status(material_id: str, request: Request, body: Any = Body(None)):
    who = admin_user(request)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        return _error(422, f"status 应为以下之一：{'、'.join(STATUSES)}")
    before = _current(request, material_id)
    if before is None:
        return _error(404, f"未找到素材 {material_id}。")
    meta = {**before.front_matter(), "body": before.body, "status": status}
    if status == "approved" and before.status != "approved":
        meta.update(reviewed_by=who, reviewed_at=dt.date.today().isoformat())
    return _save(request, who, "status", before, meta)


@router.get("/materials")
def list_materials(request: Request, status: str = Query("draft")):
    admin_user(request)
    if status not in (*STATUSES, "all"):
        return _error(422, f"status 应为以下之一：{'、'.join((*STATUSES, 'all'))}")
    index = request.app.state.material_index.get()
    records = list(index.materials.values()) if index is not None else []
    chosen = [m for m in records if status == "all" or m.status == status]
    chosen.sort(key=lambda m: (m.updated_at, m.id), reverse=True)
    return {"status": status, "total": len(chosen), "materials": [m.to_json() for m in chosen]}


@router.get("/materials/{material_id}")
def get_material(material_id: str, request: Request):
    admin_user(request)
    record = _current(request, material_id)
    if record is None:
        return _error(404, f"未找到素材 {material_id}。")
    return record.to_json(with_body=True)


@router.get("/audit")
def audit(request: Request, material: str | None = None, limit: int = Query(100, ge=1, le=1000)):
    admin_user(request)
    entries = audit_log(_settings(request).data_dir).read()
    if material:
        entries = [e for e in entries if e.get("material") == material]
    return {"entries": entries[-limit:][::-1]}


@router.get("/unanswered")
def unanswered(request: Request, limit: int = Query(100, ge=1, le=1000)):
    admin_user(request)
    return {"questions": unanswered_log(_settings(request).data_dir).summary(limit)}

