"""The neighbourhood pictures of the 图谱 pages, built from the catalog."""

from __future__ import annotations

from graph.records import MeasureRecord
from qa_service.web.catalog import PLACE_ROLES, ROLE_NAMES, Catalog, role_of
from qa_service.web.graph_picture import Edge, Node, Picture
from qa_service.web.render import measure_url, unit_url


def _measure_label(m: MeasureRecord) -> str:
    return f"{m.clause_label} {m.title}"


def measure_picture(catalog: Catalog, m: MeasureRecord) -> Picture:
    """measure ↔ its units by role, and measure → section → chapter → plan."""
    plan = catalog.plan_of[m.id]
    picture = Picture(title=f"{m.clause_label}{m.title}")
    picture.add(Node(m.id, _measure_label(m), "focus", measure_url(m.id)))
    for unit in m.all_units:
        role = role_of(m, unit)
        picture.add(Node("unit:" + unit, unit, "place" if role in PLACE_ROLES else "unit", unit_url(unit)))
        picture.edges.append(Edge("unit:" + unit, m.id, ROLE_NAMES[role], role))
    parent = m.id
    if len(m.path) > 1:
        section = "section:" + "".join(m.path[:2])
        picture.add(Node(section, f"{m.path[1]}{catalog.section_title(m)}", "section"))
        picture.edges.append(Edge(m.id, section, "属于"))
        parent = section
    if m.path:
        chapter = "chapter:" + m.path[0]
        picture.add(Node(chapter, f"{m.path[0]}{catalog.chapter_title(m)}", "chapter"))
        picture.edges.append(Edge(parent, chapter, "属于"))
        parent = chapter
    picture.add(Node("plan:" + plan.id, plan.title or plan.id, "plan"))
    picture.edges.append(Edge(parent, "plan:" + plan.id, "属于"))
    return picture


def unit_picture(catalog: Catalog, unit: str) -> Picture:
    """unit ↔ every measure it leads or takes part in, the measures clustered by chapter."""
    picture = Picture(title=unit)
    role_kind = "place" if all(u.role in PLACE_ROLES for u in catalog.units.get(unit, [])) else "unit"
    picture.add(Node("unit:" + unit, unit, role_kind, unit_url(unit)))
    for group in catalog.involvements_by_chapter(unit):
        label = f"{group.label}{group.title}"
        if len(catalog.plans) > 1:
            label = f"《{group.plan.title}》{label}"
        members = picture.clusters.setdefault(label, [])
        for use in group.items:
            m = use.measure
            picture.add(Node(m.id, _measure_label(m), "measure", measure_url(m.id)))
            members.append(m.id)
            picture.edges.append(Edge("unit:" + unit, m.id, ROLE_NAMES[use.role], use.role))
    return picture
