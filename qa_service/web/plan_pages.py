"""措施 `/measures/{id}`, 单位 `/units` and `/units/{name}`, 图谱 `/graph/measure/{id}` and `/graph/unit/{name}`."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from graph.errors import GraphError
from qa_service.http.deps import get_services
from qa_service.web import pictures
from qa_service.web.catalog import Catalog
from qa_service.web.render import error_page, render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def catalog_or_error(request: Request) -> Catalog | HTMLResponse:
    """The catalog, or a Chinese error page when the graph cannot be read."""
    try:
        return get_services(request).pages.plans.catalog()
    except GraphError as exc:
        log.error("pages cannot read the graph: %s", exc)
        return error_page(request, 503, "图谱暂不可用", exc.user_message)


def _no_measure(request: Request, measure_id: str) -> HTMLResponse:
    return error_page(request, 404, "未找到该措施", f"方案中没有编号为“{measure_id}”的措施。",
                      links=[("/matrix", "查看责任分工表中的全部措施")])


def _no_unit(request: Request, name: str) -> HTMLResponse:
    return error_page(request, 404, "未找到该单位", f"方案和单位名录中都没有“{name}”这个单位。",
                      links=[("/units", "查看全部单位"), ("/matrix", "查看责任分工表")])


def _measure_or_error(request: Request, measure_id: str):
    """(catalog, measure), or the page saying why not (no plans loaded, no such measure)."""
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    m = catalog.measures.get(measure_id)
    if m is None:
        return _no_measure(request, measure_id)
    return catalog, m


@router.get("/measures/{measure_id:path}")
def measure_page(measure_id: str, request: Request):
    found = _measure_or_error(request, measure_id)
    if isinstance(found, HTMLResponse):
        return found
    catalog, m = found
    plan = catalog.plan_of[m.id]
    units = [(role, names) for role, names in (("lead", m.lead_units), ("co", m.co_units),
                                                ("local", m.local_units), ("zone", m.zones)) if names]
    joint = not m.lead_units and len(m.co_units) > 1
    siblings = [x for x in plan.measures if x.path[:2] == m.path[:2]] if len(m.path) > 1 else []
    return render(request, "measure.html", m=m, plan=plan, steps=catalog.clause_path(m), units=units, joint=joint,
                  full_name=catalog.full_name, unit_key=catalog.unit_key, siblings=siblings, chapter_key=catalog.chapter_key(m))


@router.get("/units")
def units_page(request: Request):
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    summaries = catalog.unit_summaries()
    return render(request, "units.html", departments=[s for s in summaries if not s.place],
                  places=[s for s in summaries if s.place], plans=catalog.plans)


@router.get("/units/{name}")
def unit_page(name: str, request: Request):
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    unit = catalog.resolve_unit(name)
    if unit is None and catalog.regions_of(name):  # several regions' 区财政局: one entry each
        keys = set(catalog.regions_of(name))
        summaries = [s for s in catalog.unit_summaries() if s.name in keys]
        return render(
            request,
            "units.html",
            departments=[s for s in summaries if not s.place],
            places=[s for s in summaries if s.place],
            plans=catalog.plans,
        )
    if unit is None:
        return _no_unit(request, name)
    groups = catalog.involvements_by_chapter(unit)
    uses = catalog.units.get(unit, [])
    return render(request, "unit.html", unit=unit, asked=name, full_name=catalog.full_name(unit),
                  aliases=catalog.aliases(unit), groups=groups, lead=sum(u.role == "lead" for u in uses),
                  total=len(uses), several_plans=len(catalog.plans) > 1)


@router.get("/graph/measure/{measure_id:path}")
def measure_graph_page(measure_id: str, request: Request):
    found = _measure_or_error(request, measure_id)
    if isinstance(found, HTMLResponse):
        return found
    catalog, m = found
    picture = pictures.measure_picture(catalog, m)
    return _graph(request, picture, f"图谱：{m.clause_label} {m.title}", back=("措施详情", m.id, "measure"))


@router.get("/graph/unit/{name}")
def unit_graph_page(name: str, request: Request):
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    unit = catalog.resolve_unit(name)
    if unit is None:
        return _no_unit(request, name)
    picture = pictures.unit_picture(catalog, unit)
    return _graph(request, picture, f"图谱：{unit}", back=("单位详情", unit, "unit"))


def _graph(request: Request, picture, heading: str, back: tuple[str, str, str]):
    renderer = get_services(request).pages.svg
    svg = renderer.render(picture)
    note = ""
    if svg is None:
        note = ("服务器未安装 Graphviz，无法绘制关系图，下面以列表显示相关节点。" if not renderer.available
                else "关系图绘制失败，下面以列表显示相关节点。")
    centre = picture.nodes[0].id if picture.nodes else ""
    roles = {(e.target if e.source == centre else e.source): e.label for e in picture.edges if e.kind != "part"}
    # The SVG comes from dot, which escapes every label; clean_svg rejected anything scriptable.
    return render(request, "graph.html", heading=heading, picture=picture, svg=Markup(svg) if svg else None,
                  note=note, back=back, roles=roles)
