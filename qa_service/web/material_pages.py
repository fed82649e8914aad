"""素材检索 `/materials` (search, filters, facets, paging) and `/materials/{id}`; admin sign-in.

Public visitors see approved material only; a signed-in admin also sees drafts and retired material
and gets approve / retire buttons, which call the admin API from static/app.js.
"""

from __future__ import annotations

import logging
import math
import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from graph.errors import GraphError
from graph.search.material_store import VERDICTS
from qa_service.http.deps import get_services
from qa_service.web.admin_session import admin_configured, page_admin, sign_in, sign_out, token_matches
from qa_service.web.render import error_page, render, with_query

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

PAGE_SIZE = 10
MAX_PAGE = 1000
FACET_NAMES = {"topic": "主题", "verdict": "结论", "audience": "对象"}
_SAFE_NEXT = re.compile(r"^/materials(/[\w.\-%]*)?(\?[\w=&%.\-+]*)?$")


def _page_number(value: str) -> int:
    try:
        return min(max(int(value), 1), MAX_PAGE)
    except ValueError:
        return 1


def paragraphs(body: str) -> list[tuple[str, str]]:
    """A Markdown body as (kind, text) blocks; text stays plain and is escaped by the template."""
    out = []
    for block in re.split(r"\n\s*\n", (body or "").strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            out.append(("heading", block.lstrip("#").strip()))
        else:
            out.append(("text", block))
    return out


@router.get("/materials")
def materials_page(request: Request, q: str = "", topic: str = "", verdict: str = "", audience: str = "",
                   status: str = "approved", page: str = "1", admin: str = ""):
    is_admin = page_admin(request)
    if not is_admin:
        status = "approved"
    number = _page_number(page)
    filters = {"q": q.strip(), "topic": topic, "verdict": verdict, "audience": audience,
               "status": status if status != "approved" else ""}
    search = get_services(request).search
    result, problem, code = None, "", 200
    if search is None:
        problem, code = "素材检索暂时不可用。", 503
    else:
        try:
            result = search.search(q.strip(), topic=topic or None, verdict=verdict or None,
                                   audience=audience or None, status=status, k=PAGE_SIZE,
                                   offset=(number - 1) * PAGE_SIZE)
        except GraphError as exc:
            log.error("material search unavailable: %s", exc)
            problem, code = exc.user_message, 503
        except ValueError as exc:  # InvalidText: a bad filter value or an over-long query
            problem, code = getattr(exc, "user_message", "搜索条件有误。"), 422
    pages = math.ceil(result.total / PAGE_SIZE) if result else 0
    options = {name: sorted(set(result.facets.get(name, {})) | ({filters[name]} - {""})) if result else []
               for name in ("topic", "audience")}
    options["verdict"] = list(VERDICTS)
    return render(request, "materials.html", status_code=code, result=result, problem=problem, filters=filters, status=status,
                  page=number, pages=pages, options=options, facet_names=FACET_NAMES, is_admin=is_admin,
                  admin_ready=admin_configured(request), admin_error=admin == "invalid",
                  page_url=lambda n: with_query("/materials", **filters, page=n if n > 1 else None),
                  facet_url=lambda name, value: with_query("/materials", **{**filters, name: value}))


@router.get("/materials/{material_id}")
def material_page(material_id: str, request: Request):
    is_admin = page_admin(request)
    handle = get_services(request).material_index
    try:
        index = handle.get() if handle is not None else None
    except GraphError as exc:
        log.error("material index unavailable: %s", exc)
        index = None
    record = index.materials.get(material_id) if index is not None else None
    if record is None or not (index.serving().public(record) or is_admin):
        return error_page(request, 404, "未找到该素材", "没有找到这份素材，它可能尚未发布或已经下架。",
                          links=[("/materials", "返回素材检索")])
    return render(request, "material.html", m=record, blocks=paragraphs(record.body), is_admin=is_admin)


@router.post("/materials/admin")
async def admin_sign_in(request: Request):
    form = await request.form()
    token = str(form.get("token") or "")
    target = str(form.get("next") or "/materials")
    target = target if _SAFE_NEXT.match(target) else "/materials"
    if not token_matches(request, token):
        log.warning("admin sign-in on the pages refused")
        return RedirectResponse(with_query("/materials", admin="invalid"), status_code=303)
    response = RedirectResponse(target, status_code=303)
    sign_in(response, request)
    return response


@router.post("/materials/admin/logout")
async def admin_sign_out(request: Request):
    response = RedirectResponse("/materials", status_code=303)
    sign_out(response)
    return response
