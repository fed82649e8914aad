"""Rumour check and material search over HTTP.

Only `approved` material reaches the public; drafts are visible with the admin token; retired
material never. `setup` puts the loaded checker on `app.state.rumor_checker` (and the search and
index handle next to it); with an index on disk it also loads the model, so the first question is
as fast as the rest.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from graph.errors import GraphError
from graph.search.passage_index import IndexHandle, current_generation
from graph.settings import Settings
from qa_service.routers.admin import is_admin
from qa_service.rumors.check import MAX_CHARS, InvalidText, load_rumor_checker
from qa_service.rumors.search import MaterialSearch

log = logging.getLogger(__name__)
router = APIRouter(tags=["科学辟谣"])


def setup(app: FastAPI, settings: Settings) -> None:
    handle = IndexHandle(settings.index_dir)
    checker = load_rumor_checker(settings, handle=handle)
    app.state.material_index = handle
    app.state.rumor_checker = checker
    app.state.material_search = MaterialSearch(checker)
    if current_generation(settings.index_dir) is not None:
        try:
            checker.warm()
        except GraphError as exc:
            log.warning("rumour check not ready at start-up: %s", exc)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


_CHECK_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"text": {"type": "string", "maxLength": MAX_CHARS}}, "required": ["text"]}}}}}


@router.post("/api/rumor-check", openapi_extra=_CHECK_BODY)
async def rumor_check(request: Request):
    """Check a message against vetted material: {"text": "..."}."""
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(422, '请求体应为 JSON，例如 {"text": "隔夜菜会致癌吗？"}。')
    text = body.get("text") if isinstance(body, dict) else None
    if text is not None and not isinstance(text, str):
        return _error(422, "text 应为文本。")
    try:
        result = await run_in_threadpool(request.app.state.rumor_checker.check, text)
    except InvalidText as exc:
        return _error(422, exc.user_message)
    except GraphError as exc:
        log.error("rumour check unavailable: %s", exc)
        return _error(503, exc.user_message)
    return result.to_json()


@router.get("/api/search")
def search(request: Request, q: str = "", topic: str | None = None, audience: str | None = None,
           verdict: str | None = None, status: str = "approved", k: str = "10", offset: str = "0"):
    """Search vetted material; non-approved statuses need the admin token."""
    try:
        k_num, offset_num = int(k), int(offset)
    except ValueError:
        return _error(422, "k 和 offset 应为整数。")
    if status != "approved" and not is_admin(request):
        return _error(403, "查看草稿或已下架素材需要管理口令。")
    try:
        result = request.app.state.material_search.search(
            q, topic=topic or None, audience=audience or None, verdict=verdict or None, status=status,
            k=k_num, offset=offset_num)
    except InvalidText as exc:
        return _error(422, exc.user_message)
    except GraphError as exc:
        log.error("material search unavailable: %s", exc)
        return _error(503, exc.user_message)
    return result.to_json()


@router.get("/api/materials/{material_id}")
def material(material_id: str, request: Request):
    """One material; drafts only with the admin token, retired never."""
    index = request.app.state.material_index.get()
    record = index.materials.get(material_id) if index is not None else None
    visible = record is not None and (record.status == "approved" or
                                      (record.status == "draft" and is_admin(request)))
    if not visible:
        return _error(404, "未找到该素材。")
    return record.to_json(with_body=True)
