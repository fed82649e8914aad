"""Export plans: measure JSON, RDF (Turtle, JSON-LD) and the 责任分工表 (CSV, xlsx) staff paste into documents.

The 责任分工表 has one row per measure:

    序号 | 条款 | 任务（措施） | 牵头单位 | 配合单位 | 落实单位 | 目标

- 条款 is the citation form, e.g. 二、（三）3.; 任务（措施） is the measure's title.
- Units are joined with "、" in the plan's order. 落实单位 lists zones (高新区、农科园) then local
  units (各镇、各街道), as the plans write them.
- When a plan names one group of departments with no lead (责任单位：区科技局、教体局、科协等),
  nobody leads: 牵头单位 stays empty and 配合单位 reads "共同负责：区科技局、区教体局、区科协", so a
  reader of the pasted table sees the units share the task rather than assist a missing lead.
- 目标 joins the measure's targets' wording with "；".
- Several plans: CSV gains a leading 方案 column; xlsx gets one sheet per plan.
CSV is UTF-8 with a BOM so Excel shows the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import json
import re

from rdflib import Graph

from graph.ontology import NAMESPACES, bind_namespaces
from graph.records import MeasureRecord, PlanRecord
from graph.store.rdf_mapping import plan_to_graph

FORMATS = ("json", "turtle", "jsonld", "csv", "xlsx")
TABLE_HEADER = ["序号", "条款", "任务（措施）", "牵头单位", "配合单位", "落实单位", "目标"]
JOINT_PREFIX = "共同负责："
_COLUMN_WIDTHS = [6, 14, 30, 20, 40, 24, 40]  # Excel units; a CJK glyph takes about 2
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def export_plans(plans: list[PlanRecord], fmt: str) -> bytes:
    """Serialise `plans` in `fmt` (one of FORMATS)."""
    if fmt == "json":
        measures = [m.to_json() for plan in plans for m in plan.measures]
        return (json.dumps(measures, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "turtle":
        return _rdf(plans).serialize(format="turtle", encoding="utf-8")
    if fmt == "jsonld":
        return _rdf(plans).serialize(format="json-ld", context=dict(NAMESPACES), indent=2, encoding="utf-8")
    if fmt == "csv":
        return _csv(plans)
    if fmt == "xlsx":
        return _xlsx(plans)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def responsibility_row(number: int, m: MeasureRecord) -> list[str | int]:
    """One row of the 责任分工表 (see the module docstring for the rules)."""
    co = "、".join(m.co_units)
    if co and not m.lead_units:
        co = JOINT_PREFIX + co
    return [
        number,
        m.clause_label,
        m.title,
        "、".join(m.lead_units),
        co,
        "、".join([*m.zones, *m.local_units]),
        "；".join(t.text for t in m.targets),
    ]


def responsibility_table(plan: PlanRecord) -> list[list[str | int]]:
    return [responsibility_row(i, m) for i, m in enumerate(plan.measures, start=1)]


def _rdf(plans: list[PlanRecord]) -> Graph:
    merged = bind_namespaces(Graph())
    for plan in plans:
        merged += plan_to_graph(plan)
    return merged


def _csv(plans: list[PlanRecord]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    several = len(plans) > 1
    writer.writerow((["方案"] if several else []) + TABLE_HEADER)
    for plan in plans:
        for row in responsibility_table(plan):
            writer.writerow(([plan.title or plan.id] if several else []) + row)
    return buf.getvalue().encode("utf-8-sig")


def _xlsx(plans: list[PlanRecord]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for plan in plans or [PlanRecord(id="", title="责任分工表")]:
        ws = wb.create_sheet(_sheet_title(plan, used))
        ws.append(TABLE_HEADER)
        for row in responsibility_table(plan):
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wrap = Alignment(vertical="top", wrap_text=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = wrap
        for i, width in enumerate(_COLUMN_WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(plan: PlanRecord, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("", plan.title or plan.id or "责任分工表")[:28] or "责任分工表"
    title, n = base, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title
