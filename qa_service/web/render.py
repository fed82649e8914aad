"""Jinja2 environment (autoescape always on), URL helpers and the shared page/error responses."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from qa_service.web.catalog import ROLE_NAMES

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
NAV = (("/", "问答"), ("/matrix", "责任分工表"), ("/units", "单位"), ("/materials", "素材检索"), ("/team", "团队"))
VERDICT_CLASSES = {"谣言": "rumor", "误导": "misleading", "部分正确": "partly", "正确": "true", "存疑": "unsure"}
STATUS_NAMES = {"approved": "已发布", "draft": "草稿", "retired": "已下架", "all": "全部"}
_MARK_TAG = re.compile(r"(</?mark>)")


def measure_url(measure_id: str) -> str:
    return "/measures/" + quote(measure_id, safe="/")


def unit_url(name: str) -> str:
    return "/units/" + quote(name, safe="")


def measure_graph_url(measure_id: str) -> str:
    return "/graph/measure/" + quote(measure_id, safe="/")


def unit_graph_url(name: str) -> str:
    return "/graph/unit/" + quote(name, safe="")


def material_url(material_id: str) -> str:
    return "/materials/" + quote(material_id, safe="")


def with_query(path: str, **params) -> str:
    """`path` with the non-empty params as a query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return path + ("?" + urlencode(kept) if kept else "")


def marked(snippet: str) -> Markup:
    """A search snippet (escaped text with <mark> tags) as markup; anything else that looks like a tag
    is escaped again, so only <mark> can ever reach the page as HTML."""
    parts = _MARK_TAG.split(snippet or "")
    out = []
    for part in parts:
        if part in ("<mark>", "</mark>"):
            out.append(part)
        elif "<" in part or ">" in part or '"' in part:
            out.append(html.escape(html.unescape(part)))
        else:
            out.append(part)
    opened = sum(p == "<mark>" for p in parts)
    closed = sum(p == "</mark>" for p in parts)
    if opened != closed:  # never leave an unbalanced tag behind
        return Markup(html.escape(html.unescape(_MARK_TAG.sub("", snippet or ""))))
    return Markup("".join(out))


def _static_version() -> str:
    digest = hashlib.sha1()
    for path in sorted(STATIC_DIR.glob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    version = _static_version()
    env.globals.update(
        nav=NAV, measure_url=measure_url, unit_url=unit_url, measure_graph_url=measure_graph_url,
        unit_graph_url=unit_graph_url, material_url=material_url, with_query=with_query, marked=marked,
        role_names=ROLE_NAMES, verdict_classes=VERDICT_CLASSES, status_names=STATUS_NAMES,
        static=lambda name: f"/static/{name}?v={version}",
    )
    return env


_ENV = build_environment()


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("active", _active(request.url.path))
    body = _ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(body, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, message: str, **context) -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, title=title, message=message, **context)


def _active(path: str) -> str:
    if path.startswith(("/matrix",)):
        return "/matrix"
    if path.startswith(("/units", "/graph/unit")):
        return "/units"
    if path.startswith("/materials"):
        return "/materials"
    if path.startswith("/team"):
        return "/team"
    if path.startswith(("/measures", "/graph/measure")):
        return "/matrix"
    return "/"
