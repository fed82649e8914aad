"""PlanRecord <-> Cypher rows for the Neo4j store: what is written, and how it is read back.

Split from neo4j.py, which owns the connection, faults and cache. Record order is kept in `pos`
properties and read back by sorting on them, so the result never depends on the order a server
returns rows in.

Graph shape; every `pos` keeps the record order so a plan reads back exactly as written:

    (:Plan {id, title, region, period, status, basis[], basis_titles[], goal_text, source_file,
            unresolved_units[]})
    (:Plan)-[:HAS_CHAPTER]->(:Chapter {uid, id, plan, pos, label, title})
    (:Plan)-[:HAS_SECTION]->(:Section {uid, id, plan, pos, label, title, chapter_label, target_group})
    (:Chapter)-[:HAS_SECTION]->(:Section)-[:HAS_MEASURE]->(:Measure)    by matching labels
    (:Plan)-[:HAS_MEASURE]->(:Measure {id, plan, pos, path[], title, text, ..., source_*,
                                      lead_names[], co_names[], unit_names[]})
                                                      the names of its units by role (unit_names:
                                                      lead, co, local units and zones), copies of
                                                      the edges below that queries test with IN
    (:Measure)-[:LEAD_UNIT {pos}]->(:Unit {key, name, region})   one node per unit identity:
                                                      key "淮阴区/区科协" (region-relative) or
                                                      "教育部" (national), graph/unit_identity.py
    (:Measure)-[:CO_UNIT {pos}]->(:Unit)
    (:Measure)-[:HAS_TARGET]->(:Target {id, plan, kind, owner, pos, parent, text, value, ...})
    (:Plan)-[:HAS_GOAL]->(:Target)
    (:Target)-[:PART_OF]->(:Target)                   a sub-target (其中…)
    (:Plan)-[:UNIT_ALIAS {pos, aliases[]}]->(:Unit)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.records import (
    ChapterRecord,
    MeasureRecord,
    PlanRecord,
    SectionRecord,
    SourceSpan,
    TargetRecord,
)
from graph.unit_identity import unit_scope

_TARGET_FIELDS = ("text", "subject", "value", "raw_value", "unit", "qualifier", "deadline", "period", "parent")


SCHEMA = (
    "CREATE CONSTRAINT kepu_plan_id IF NOT EXISTS FOR (n:Plan) REQUIRE n.id IS UNIQUE",
    # Before units had regions, a unit was its name: drop that constraint and give old nodes their
    # key (a name without a region is national-shaped; re-ingesting a plan moves it to its region).
    "DROP CONSTRAINT kepu_unit_name IF EXISTS",
    "MATCH (n:Unit) WHERE n.key IS NULL SET n.key = n.name",
    "CREATE CONSTRAINT kepu_unit_key IF NOT EXISTS FOR (n:Unit) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX kepu_unit_name IF NOT EXISTS FOR (n:Unit) ON (n.name)",
    "CREATE CONSTRAINT kepu_measure_id IF NOT EXISTS FOR (n:Measure) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT kepu_target_id IF NOT EXISTS FOR (n:Target) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT kepu_chapter_uid IF NOT EXISTS FOR (n:Chapter) REQUIRE n.uid IS UNIQUE",
    "CREATE CONSTRAINT kepu_section_uid IF NOT EXISTS FOR (n:Section) REQUIRE n.uid IS UNIQUE",
    "CREATE INDEX kepu_measure_plan IF NOT EXISTS FOR (n:Measure) ON (n.plan)",
    "CREATE INDEX kepu_target_plan IF NOT EXISTS FOR (n:Target) ON (n.plan)",
    "CREATE INDEX kepu_chapter_plan IF NOT EXISTS FOR (n:Chapter) ON (n.plan)",
    "CREATE INDEX kepu_section_plan IF NOT EXISTS FOR (n:Section) ON (n.plan)",
    # Measures written before they carried their units' names (qa_service/policy/query/cypher.py
    # tests roles with IN on these lists): fill them from the edges once.
    "MATCH (m:Measure) WHERE m.lead_names IS NULL OPTIONAL MATCH (m)-[:LEAD_UNIT]->(u:Unit) "
    "WITH m, collect(u.name) AS names SET m.lead_names = names",
    "MATCH (m:Measure) WHERE m.co_names IS NULL OPTIONAL MATCH (m)-[:CO_UNIT]->(u:Unit) "
    "WITH m, collect(u.name) AS names SET m.co_names = names",
    "MATCH (m:Measure) WHERE m.unit_names IS NULL SET m.unit_names = "
    "m.lead_names + m.co_names + coalesce(m.local_units, []) + coalesce(m.zones, [])",
)


@dataclass
class PlanRows:
    """One plan as parameter lists for the UNWIND statements in WRITES."""

    plan: dict
    chapters: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    lead_units: list[dict] = field(default_factory=list)
    co_units: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    part_of: list[dict] = field(default_factory=list)
    chapter_sections: list[dict] = field(default_factory=list)
    section_measures: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)


# (PlanRows field, statement); $plan is the plan id, $rows one batch. The plan's old children
# are deleted first in the same transaction, so they are CREATEd; shared units are MERGEd.
WRITES = (
    ("chapters", "UNWIND $rows AS row MATCH (p:Plan {id: $plan}) "
                 "CREATE (c:Chapter) SET c = row CREATE (p)-[:HAS_CHAPTER]->(c)"),
    ("sections", "UNWIND $rows AS row MATCH (p:Plan {id: $plan}) "
                 "CREATE (s:Section) SET s = row CREATE (p)-[:HAS_SECTION]->(s)"),
    ("measures", "UNWIND $rows AS row MATCH (p:Plan {id: $plan}) "
                 "CREATE (m:Measure) SET m = row CREATE (p)-[:HAS_MEASURE]->(m)"),
    ("lead_units", "UNWIND $rows AS row MATCH (m:Measure {id: row.measure}) "
                   "MERGE (u:Unit {key: row.key}) SET u.name = row.name, u.region = row.region "
                   "CREATE (m)-[:LEAD_UNIT {pos: row.pos}]->(u)"),
    ("co_units", "UNWIND $rows AS row MATCH (m:Measure {id: row.measure}) "
                 "MERGE (u:Unit {key: row.key}) SET u.name = row.name, u.region = row.region "
                 "CREATE (m)-[:CO_UNIT {pos: row.pos}]->(u)"),
    ("goals", "UNWIND $rows AS row MATCH (p:Plan {id: $plan}) "
              "CREATE (t:Target) SET t = row CREATE (p)-[:HAS_GOAL]->(t)"),
    ("targets", "UNWIND $rows AS row MATCH (m:Measure {id: row.owner}) "
                "CREATE (t:Target) SET t = row CREATE (m)-[:HAS_TARGET]->(t)"),
    ("part_of", "UNWIND $rows AS row MATCH (c:Target {id: row.child}) MATCH (p:Target {id: row.parent}) "
                "CREATE (c)-[:PART_OF]->(p)"),
    ("chapter_sections", "UNWIND $rows AS row MATCH (c:Chapter {uid: row.chapter}) "
                         "MATCH (s:Section {uid: row.section}) CREATE (c)-[:HAS_SECTION]->(s)"),
    ("section_measures", "UNWIND $rows AS row MATCH (s:Section {uid: row.section}) "
                         "MATCH (m:Measure {id: row.measure}) CREATE (s)-[:HAS_MEASURE]->(m)"),
    ("aliases", "UNWIND $rows AS row MATCH (p:Plan {id: $plan}) MERGE (u:Unit {key: row.key}) "
                "SET u.name = row.name, u.region = row.region "
                "CREATE (p)-[:UNIT_ALIAS {pos: row.pos, aliases: row.aliases}]->(u)"),
)


def write_statements(batches: PlanRows) -> list[tuple[str, list[dict]]]:
    return [(cypher, getattr(batches, name)) for name, cypher in WRITES if getattr(batches, name)]


def _props(**values: Any) -> dict:
    """Drop None: a missing property reads back as None, and Cypher cannot store null."""
    return {key: value for key, value in values.items() if value is not None}


def _target_rows(targets: list[TargetRecord], plan_id: str, owner: str, prefix: str, kind: str):
    made, links = [], []
    for pos, target in enumerate(targets):
        target_id = f"{prefix}#{kind}-{pos}"
        made.append(_props(id=target_id, plan=plan_id, kind=kind, owner=owner, pos=pos,
                           **{name: getattr(target, name) for name in _TARGET_FIELDS}))
        if target.parent is not None and 0 <= target.parent < len(targets):
            links.append({"child": target_id, "parent": f"{prefix}#{kind}-{target.parent}"})
    return made, links


def unit_key(name: str, scope: str) -> str:
    """The Unit node's key: "淮阴区/区科协"; a national unit's key is its name (教育部)."""
    return f"{scope}/{name}" if scope else name


def unit_row(plan: PlanRecord, name: str) -> dict:
    scope = unit_scope(plan, name)
    return {"key": unit_key(name, scope), "name": name, "region": scope}


def plan_rows(plan: PlanRecord) -> PlanRows:
    """Flatten a plan into rows; ids of chapters/sections are scoped by the plan (`uid`)."""
    seen = set()
    for measure in plan.measures:
        if measure.id in seen:
            raise ValueError(f"plan {plan.id!r} has two measures with id {measure.id!r}")
        seen.add(measure.id)
    out = PlanRows(plan=_props(
        id=plan.id, title=plan.title, region=plan.region, period=plan.period, status=plan.status,
        basis=list(plan.basis), basis_titles=list(plan.basis_titles), goal_text=plan.goal_text,
        source_file=plan.source_file, unresolved_units=list(plan.unresolved_units),
    ))
    chapter_uid: dict[str, str] = {}
    for pos, chapter in enumerate(plan.chapters):
        uid = f"{plan.id}#chapter:{chapter.id}"
        chapter_uid.setdefault(chapter.label, uid)
        out.chapters.append(_props(uid=uid, id=chapter.id, plan=plan.id, pos=pos,
                                   label=chapter.label, title=chapter.title))
    section_uid: dict[tuple[str, str], str] = {}
    for pos, section in enumerate(plan.sections):
        uid = f"{plan.id}#section:{section.id}"
        section_uid.setdefault((section.chapter_label, section.label), uid)
        out.sections.append(_props(uid=uid, id=section.id, plan=plan.id, pos=pos, label=section.label,
                                   title=section.title, chapter_label=section.chapter_label,
                                   target_group=section.target_group))
        if section.chapter_label in chapter_uid:
            out.chapter_sections.append({"chapter": chapter_uid[section.chapter_label], "section": uid})
    out.goals, links = _target_rows(plan.goals, plan.id, plan.id, plan.id, "goal")
    out.part_of.extend(links)
    for pos, m in enumerate(plan.measures):
        source = m.source
        out.measures.append(_props(
            id=m.id, plan=plan.id, record_plan=m.plan if m.plan != plan.id else None, pos=pos,
            path=list(m.path), title=m.title, text=m.text, chapter_title=m.chapter_title,
            section_title=m.section_title, responsibility_note=m.responsibility_note,
            local_units=list(m.local_units), zones=list(m.zones), target_group=m.target_group,
            lead_names=list(m.lead_units), co_names=list(m.co_units),
            unit_names=m.all_units,
            source_file=source.file if source else None, source_start=source.start if source else None,
            source_end=source.end if source else None,
        ))
        out.lead_units.extend({"measure": m.id, **unit_row(plan, n), "pos": i} for i, n in enumerate(m.lead_units))
        out.co_units.extend({"measure": m.id, **unit_row(plan, n), "pos": i} for i, n in enumerate(m.co_units))
        made, links = _target_rows(m.targets, plan.id, m.id, m.id, "target")
        out.targets.extend(made)
        out.part_of.extend(links)
        key = tuple(m.path[:2])
        if len(key) == 2 and key in section_uid:
            out.section_measures.append({"section": section_uid[key], "measure": m.id})
    out.aliases = [{**unit_row(plan, name), "aliases": list(aliases), "pos": pos}
                   for pos, (name, aliases) in enumerate(plan.unit_aliases.items())]
    return out


# -- reading -------------------------------------------------------------------------------------

READS = {
    "plans": "MATCH (p:Plan) WHERE p.id IN $ids RETURN properties(p) AS n",
    "all_plans": "MATCH (p:Plan) RETURN properties(p) AS n",
    "aliases": "MATCH (p:Plan)-[a:UNIT_ALIAS]->(u:Unit) WHERE p.id IN $ids "
               "RETURN p.id AS plan, a.pos AS pos, a.aliases AS aliases, u.name AS name",
    "chapters": "MATCH (n:Chapter) WHERE n.plan IN $ids RETURN properties(n) AS n",
    "sections": "MATCH (n:Section) WHERE n.plan IN $ids RETURN properties(n) AS n",
    "measures": "MATCH (n:Measure) WHERE n.plan IN $ids RETURN properties(n) AS n",
    "units": "MATCH (m:Measure)-[r:LEAD_UNIT|CO_UNIT]->(u:Unit) WHERE m.plan IN $ids "
             "RETURN m.id AS measure, type(r) AS role, r.pos AS pos, u.name AS name",
    "targets": "MATCH (n:Target) WHERE n.plan IN $ids RETURN properties(n) AS n",
}


def _nodes(tx, name: str, ids: list[str]) -> dict[str, list[dict]]:
    """Node properties grouped by plan id, each group in `pos` order."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in tx.run(READS[name], ids=ids):
        grouped[record["n"]["plan"]].append(record["n"])
    for group in grouped.values():
        group.sort(key=lambda n: n["pos"])
    return grouped


def _target(props: dict) -> TargetRecord:
    return TargetRecord(**{name: props.get(name) for name in _TARGET_FIELDS})


def read_plans(tx, ids: list[str] | None) -> list[PlanRecord]:
    """Read the plans with these ids (all plans if None), sorted by id; absent ids are skipped."""
    query = READS["all_plans"] if ids is None else READS["plans"]
    heads = sorted((r["n"] for r in tx.run(query, ids=ids or [])), key=lambda n: n["id"])
    ids = [head["id"] for head in heads]
    if not ids:
        return []
    chapters, sections = _nodes(tx, "chapters", ids), _nodes(tx, "sections", ids)
    measures, targets = _nodes(tx, "measures", ids), _nodes(tx, "targets", ids)
    units: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for r in tx.run(READS["units"], ids=ids):
        units[(r["measure"], r["role"])].append((r["pos"], r["name"]))
    aliases: dict[str, list[tuple[int, str, list[str]]]] = defaultdict(list)
    for r in tx.run(READS["aliases"], ids=ids):
        aliases[r["plan"]].append((r["pos"], r["name"], list(r["aliases"] or [])))
    by_owner: dict[str, list[TargetRecord]] = defaultdict(list)
    for plan_id in ids:
        for props in targets.get(plan_id, []):
            by_owner[f"{props['kind']}:{props['owner']}"].append(_target(props))
    return [_plan(head, chapters, sections, measures, units, aliases, by_owner) for head in heads]


def _plan(head, chapters, sections, measures, units, aliases, by_owner) -> PlanRecord:
    pid = head["id"]

    def unit_names(measure_id: str, role: str) -> list[str]:
        return [name for _, name in sorted(units.get((measure_id, role), []))]

    return PlanRecord(
        id=pid,
        title=head.get("title", ""),
        region=head.get("region", ""),
        period=head.get("period", ""),
        status=head.get("status", ""),
        basis=list(head.get("basis") or []),
        basis_titles=list(head.get("basis_titles") or []),
        goals=by_owner.get(f"goal:{pid}", []),
        goal_text=head.get("goal_text", ""),
        chapters=[ChapterRecord(id=c["id"], label=c.get("label", ""), title=c.get("title", ""))
                  for c in chapters.get(pid, [])],
        sections=[SectionRecord(id=s["id"], label=s.get("label", ""), title=s.get("title", ""),
                                chapter_label=s.get("chapter_label", ""), target_group=s.get("target_group"))
                  for s in sections.get(pid, [])],
        measures=[
            MeasureRecord(
                id=m["id"],
                plan=m.get("record_plan", pid),
                path=list(m.get("path") or []),
                title=m.get("title", ""),
                text=m.get("text", ""),
                chapter_title=m.get("chapter_title", ""),
                section_title=m.get("section_title", ""),
                responsibility_note=m.get("responsibility_note", ""),
                lead_units=unit_names(m["id"], "LEAD_UNIT"),
                co_units=unit_names(m["id"], "CO_UNIT"),
                local_units=list(m.get("local_units") or []),
                zones=list(m.get("zones") or []),
                targets=by_owner.get(f"target:{m['id']}", []),
                target_group=m.get("target_group"),
                source=SourceSpan(m.get("source_file", ""), m["source_start"], m["source_end"])
                if m.get("source_start") is not None else None,
            )
            for m in measures.get(pid, [])
        ],
        source_file=head.get("source_file", ""),
        unresolved_units=list(head.get("unresolved_units") or []),
        unit_aliases={name: names for _, name, names in sorted(aliases.get(pid, []), key=lambda a: a[0])},
    )
