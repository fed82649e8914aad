"""The web pages: Chinese, server-rendered (Jinja2, autoescape on), one shared layout, little JavaScript.

    /                               问答: any question; the answer, its units table, targets or rumour verdict
    /measures/{id}                  措施: full text, units by role, targets, clause path and source span
    /units, /units/{name}           单位: all units; what one unit leads or takes part in, by chapter
    /matrix (.csv, .xlsx)           责任分工表, filterable by unit and chapter, downloadable
    /graph/measure/{id}, /graph/unit/{name}   图谱: neighbourhood as inline SVG (Graphviz)
    /materials, /materials/{id}     素材检索 and one material; admin approve / retire

`install` mounts /static and adds the security-headers middleware.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from qa_service.http.security_headers import SecurityHeadersMiddleware
from qa_service.web import ask_page, material_pages, matrix_page, plan_pages
from qa_service.web.render import STATIC_DIR

router = APIRouter(include_in_schema=False)
for _module in (ask_page, plan_pages, matrix_page, material_pages):
    router.include_router(_module.router)


def install(app: FastAPI) -> None:
    """/static and the security headers; what the pages read comes from `Services.pages`."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
