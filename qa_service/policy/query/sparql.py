"""PolicyQuery -> SPARQL over the kepu ontology (graph/ontology.py), run on oxigraph.

Names and ids go in as escaped literals (`_lit`), never spliced raw, so a question cannot change
the shape of the query.
"""

from __future__ import annotations

import json

from graph.store.rdf_mapping import plan_iri
from qa_service.policy.query.query import ANY, CO, LEAD, PolicyQuery, UnitTerm

_ROLE_PATH = {
    LEAD: "kepu:leadUnit",
    CO: "kepu:coUnit",
    ANY: "kepu:leadUnit|kepu:coUnit|kepu:localUnit|kepu:zone",
}
_DEPT_PATH = {LEAD: "kepu:leadUnit", CO: "kepu:coUnit", ANY: "kepu:leadUnit|kepu:coUnit"}


def _lit(text: str) -> str:
    """A SPARQL string literal; JSON string escaping is valid SPARQL escaping for these characters."""
    return json.dumps(str(text), ensure_ascii=False)


def _term(term: UnitTerm) -> str:
    # By label, not IRI: a unit's IRI carries its region (graph/unit_identity.py), and the engine
    # only runs over plans whose units of that name are one unit (engine.py declines otherwise).
    test = f"EXISTS {{ ?m {_ROLE_PATH[term.role]} ?tu . ?tu skos:prefLabel {_lit(term.name)} }}"
    return f"!({test})" if term.negated else test


def measure_patterns(q: PolicyQuery) -> str:
    """Graph patterns binding ?m (a measure) and ?id, restricted by the query.

    One plan: its IRI in the pattern, so the join starts from that plan's measures. Several or all
    plans: the first unit that must be there starts the join instead (a unit node is shared by
    every plan naming it, so for one plan the plan is the narrower start)."""
    s = q.scope
    lines = []
    if len(s.plans) == 1:
        plan = f"<{plan_iri(s.plans[0])}>"
    else:
        plan = "?p"
        if s.plans:
            lines.append("VALUES ?p { " + " ".join(f"<{plan_iri(p)}>" for p in s.plans) + " }")
        first = next((t for t in q.units if not t.negated), None) if q.op == "and" else None
        if first is not None:
            lines.append(f"?fu skos:prefLabel {_lit(first.name)} . ?m {_ROLE_PATH[first.role]} ?fu .")
    if s.measure_ids:
        lines.append("VALUES ?id { " + " ".join(_lit(i) for i in s.measure_ids) + " }")
    lines.append(f"?m dcterms:isPartOf {plan} ; a kepu:Measure ; dcterms:identifier ?id .")
    if s.chapter:
        lines.append(f"?m kepu:chapterTitle {_lit(s.chapter)} .")
    if s.section:
        lines.append(f"?m kepu:sectionTitle {_lit(s.section)} .")
    if s.group:
        lines.append(f"?m kepu:targetGroup/skos:prefLabel {_lit(s.group)} .")
    if q.units:
        joiner = " && " if q.op == "and" else " || "
        lines.append("FILTER(" + joiner.join(_term(t) for t in q.units) + ")")
    if q.no_lead:
        lines.append("FILTER NOT EXISTS { ?m kepu:leadUnit ?lead_ }")
    return "\n  ".join(lines)


def measures(q: PolicyQuery) -> str:
    return f"SELECT ?id WHERE {{\n  {measure_patterns(q)}\n}}"


def unit_counts(q: PolicyQuery, names: list[str] | None = None) -> str:
    """Measures per department unit (local governments and zones are not counted); with `names`,
    only those units (their nodes named directly)."""
    if q.count_role == ANY:
        edge = "{ ?m kepu:leadUnit ?u } UNION { ?m kepu:coUnit ?u }"
    else:
        edge = f"?m {_DEPT_PATH[q.count_role]} ?u ."
    if names:  # after the measures: starting from the units would visit every plan naming them
        edge += "\n  FILTER(?name IN (" + ", ".join(_lit(n) for n in names) + "))"
    return (
        f"SELECT ?name (COUNT(DISTINCT ?m) AS ?n) WHERE {{\n  {measure_patterns(q)}\n"
        f"  {edge}\n  ?u skos:prefLabel ?name .\n}} GROUP BY ?name"
    )


def unit_roles(q: PolicyQuery) -> str:
    """(measure, unit, role) for every department unit of the matching measures."""
    extra = ""
    if q.exclude_units:
        extra = "\n  FILTER(?name NOT IN (" + ", ".join(_lit(n) for n in q.exclude_units) + "))"
    return (
        f"SELECT ?id ?name ?role WHERE {{\n  {measure_patterns(q)}\n"
        '  { ?m kepu:leadUnit ?u BIND("lead" AS ?role) } UNION { ?m kepu:coUnit ?u BIND("co" AS ?role) }\n'
        f"  ?u skos:prefLabel ?name .{extra}\n}}"
    )


def targets(q: PolicyQuery) -> list[str]:
    """Targets of the matching measures; a second query for plan goals unless the question is
    about some measures only."""
    t = q.targets
    tests = []
    if t is not None and t.deadline:
        tests.append(f"?t kepu:deadline ?deadline . FILTER(CONTAINS(?deadline, {_lit(t.deadline)}))")
    if t is not None and t.period:
        tests.append(f"?t kepu:period {_lit(t.period)} .")
    inner = "\n  ".join(["?t kepu:position ?tpos .", *tests])
    out = [
        f"SELECT ?owner ?tpos WHERE {{\n  {measure_patterns(q).replace('?id', '?owner')}\n"
        f"  ?m kepu:hasTarget ?t .\n  {inner}\n}}"
    ]
    if _with_goals(q):
        if len(q.scope.plans) == 1:
            head = f"BIND(<{plan_iri(q.scope.plans[0])}> AS ?p) ?p a kepu:Plan ."
        elif q.scope.plans:
            head = (
                "VALUES ?p { " + " ".join(f"<{plan_iri(p)}>" for p in q.scope.plans) + " } ?p a kepu:Plan ."
            )
        else:
            head = "?p a kepu:Plan ."
        out.append(
            f"SELECT ?owner ?tpos WHERE {{\n  {head}\n  ?p dcterms:identifier ?owner ; kepu:hasTarget ?t .\n"
            f"  {inner}\n}}"
        )
    return out


def _with_goals(q: PolicyQuery) -> bool:
    s = q.scope
    return bool(
        q.targets
        and q.targets.include_goals
        and not (s.measure_ids or s.chapter or s.section or s.group or q.units or q.no_lead)
    )
