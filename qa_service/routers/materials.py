"""Rumour check and material search over HTTP.

Only `approved` material reaches the public; drafts are visible with the admin token; retired
material never. The checker, the search and the index handle come from `Services`
(qa_service/services.py), which warms them at start-up when an index is on disk.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from graph.errors import GraphError
from qa_service.http.admin_guard import is_admin
from qa_service.http.deps import MaterialIndexDep, MaterialSearchDep, RumorCheckerDep
from qa_service.http.errors import json_error
from qa_service.http.schemas import RUMOR_RESPONSES
from qa_service.rumors.check import MAX_CHARS, InvalidText

log = logging.getLogger(__name__)
router = APIRouter(tags=["科学辟谣"])


_CHECK_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"text": {"type": "string", "maxLength": MAX_CHARS}}, "required": ["text"]}}}}}


_RUMORS_OFF = "科学辟谣功能暂不可用，请稍后再试。"


@router.post("/api/rumor-check", openapi_extra=_CHECK_BODY, responses=RUMOR_RESPONSES)
async def rumor_check(request: Request, checker: RumorCheckerDep):
    """Check a message against vetted material: {"text": "..."}."""
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        return json_error(422, '请求体应为 JSON，例如 {"text": "隔夜菜会致癌吗？"}。')
    text = body.get("text") if isinstance(body, dict) else None
    if text is not None and not isinstance(text, str):
        return json_error(422, "text 应为文本。")
    try:
        if checker is None:
            return json_error(503, _RUMORS_OFF)
        result = await run_in_threadpool(checker.check, text)
    except (InvalidText, GraphError) as exc:
        return _refused(exc, "rumour check")
    return result.to_json()


@router.get("/api/search")
def search(request: Request, material_search: MaterialSearchDep, q: str = "", topic: str | None = None, audience: str | None = None,
           verdict: str | None = None, status: str = "approved", k: str = "10", offset: str = "0"):
    """Search vetted material; non-approved statuses need the admin token."""
    try:
        k_num, offset_num = int(k), int(offset)
    except ValueError:
        return json_error(422, "k 和 offset 应为整数。")
    if status != "approved" and not is_admin(request):
        return json_error(403, "查看草稿或已下架素材需要管理口令。")
    if material_search is None:
        return json_error(503, _RUMORS_OFF)
    try:
        result = material_search.search(
            q, topic=topic or None, audience=audience or None, verdict=verdict or None, status=status,
            k=k_num, offset=offset_num)
    except (InvalidText, GraphError) as exc:
        return _refused(exc, "material search")
    return result.to_json()


def _refused(exc: InvalidText | GraphError, what: str):
    """Text the checker refuses: 422 with its reason; the index not ready: 503 (logged)."""
    if isinstance(exc, InvalidText):
        return json_error(422, exc.user_message)
    log.error("%s unavailable: %s", what, exc)
    return json_error(503, exc.user_message)


@router.get("/api/materials/{material_id}")
def material(material_id: str, request: Request, handle: MaterialIndexDep):
    """One material; drafts and withdrawn material (past its review date) only with the admin token,
    retired never."""
    index = handle.get() if handle is not None else None
    record = index.materials.get(material_id) if index is not None else None
    visible = record is not None and (index.serving().public(record) or
                                      (record.status in ("draft", "approved") and is_admin(request)))
    if not visible:
        return json_error(404, "未找到该素材。")
    return record.to_json(with_body=True)
