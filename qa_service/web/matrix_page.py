"""责任分工表 `/matrix`, filterable by unit (any alias) and chapter, and its downloads
`/matrix.csv` and `/matrix.xlsx` with the same filters (rows from graph.store.export)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from graph.records import MeasureRecord, PlanRecord
from graph.store.export import JOINT_PREFIX, TABLE_HEADER, export_plans
from ingest.plan_report import load_report
from qa_service.http.deps import get_services
from qa_service.web.catalog import Catalog
from qa_service.web.plan_pages import catalog_or_error
from qa_service.web.render import render

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BASE_FILENAME = "责任分工表"


@dataclass
class MatrixFilter:
    unit_query: str = ""
    chapter_query: str = ""
    unit: str | None = None  # canonical
    chapter: str | None = None  # chapter key
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.unit or self.chapter)

    def keeps(self, catalog: Catalog, m: MeasureRecord) -> bool:
        if self.unit and self.unit not in m.all_units:
            return False
        return not (self.chapter and catalog.chapter_key(m) != self.chapter)


def read_filter(catalog: Catalog, unit: str, chapter: str) -> MatrixFilter:
    f = MatrixFilter(unit_query=unit.strip(), chapter_query=chapter.strip())
    if f.unit_query:
        f.unit = catalog.resolve_unit(f.unit_query)
        if f.unit is None:
            f.problems.append(f"未找到单位“{f.unit_query}”，请检查名称，或从列表中选择。")
    if f.chapter_query:
        f.chapter = catalog.resolve_chapter(f.chapter_query)
        if f.chapter is None:
            f.problems.append(f"未找到章节“{f.chapter_query}”。")
    return f


def filtered_plans(catalog: Catalog, f: MatrixFilter) -> list[PlanRecord]:
    """Each plan with only the measures the filter keeps; plans left empty are dropped."""
    out = []
    for plan in catalog.plans:
        kept = [m for m in plan.measures if f.keeps(catalog, m)]
        if kept or not f.active:
            out.append(dataclasses.replace(plan, measures=kept))
    return out


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback name and the real (Chinese) name per RFC 5987/6266."""
    ascii_name = "matrix" + filename[filename.rfind("."):]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_name(f: MatrixFilter, ext: str, catalog: Catalog) -> str:
    parts = [BASE_FILENAME]
    if f.unit:
        parts.append(f.unit)
    if f.chapter:
        group = next((g for g in catalog.chapters() if g.key == f.chapter), None)
        if group is not None:
            parts.append(f"{group.label.rstrip('、')}{group.title}")
    name = "_".join(parts)
    return "".join(c for c in name if c not in '\\/:*?"<>|') + "." + ext


@router.get("/matrix")
def matrix_page(request: Request, unit: str = "", chapter: str = ""):
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    f = read_filter(catalog, unit, chapter)
    plans = [] if f.problems else filtered_plans(catalog, f)
    rows = [(plan, i, m) for plan in plans for i, m in enumerate(plan.measures, start=1)]
    query = {"unit": f.unit_query, "chapter": f.chapter or f.chapter_query}
    return render(request, "matrix.html", status_code=404 if f.problems else 200, f=f, rows=rows,
                  reports=_reports(request, catalog),
                  header=TABLE_HEADER, joint_prefix=JOINT_PREFIX, unit_key=catalog.unit_key, chapters=catalog.chapters(),
                  units=[s.name for s in catalog.unit_summaries()], query=query,
                  several_plans=len(catalog.plans) > 1, has_plans=bool(catalog.plans))


def _reports(request: Request, catalog: Catalog) -> list:
    """Each ingested plan's parse report (what the parser was unsure of), where one was kept."""
    data_dir = get_services(request).settings.data_dir
    found = [(plan, load_report(data_dir, plan.id)) for plan in catalog.plans]
    return [(plan, report) for plan, report in found if report is not None]


def _download(request: Request, unit: str, chapter: str, fmt: str) -> Response:
    catalog = catalog_or_error(request)
    if isinstance(catalog, HTMLResponse):
        return catalog
    f = read_filter(catalog, unit, chapter)
    if f.problems:
        return Response("；".join(f.problems), status_code=404, media_type="text/plain; charset=utf-8")
    plans = filtered_plans(catalog, f)
    if not plans and catalog.plans:  # nothing matched: still a table with its header
        plans = [dataclasses.replace(catalog.plans[0], measures=[])]
    body = export_plans(plans, fmt)
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(download_name(f, fmt, catalog)),
                             "Cache-Control": "no-store"})


@router.get("/matrix.csv")
def matrix_csv(request: Request, unit: str = "", chapter: str = ""):
    return _download(request, unit, chapter, "csv")


@router.get("/matrix.xlsx")
def matrix_xlsx(request: Request, unit: str = "", chapter: str = ""):
    return _download(request, unit, chapter, "xlsx")
