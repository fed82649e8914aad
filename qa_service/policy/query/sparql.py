"""PolicyQuery -> SPARQL over the kepu ontology (graph/ontology.py), run on oxigraph.

Names and ids go in as escaped literals (`_lit`), never spliced raw, so a question cannot change
the shape of the query. Units are found by their label (skos:prefLabel), never by the shape of
their IRI, so the queries hold however graph/store/rdf_mapping.py mints unit IRIs.

Shapes chosen for speed (bench/graph_query_bench.py, 100 plans in one store):
- a plan in scope is its named graph (`GRAPH <plan> { … }`): each plan's triples are stored in a
  graph of their own besides the merged default graph, so a one-plan query reads that plan only;
- bound terms first (one unit's nodes found by label in a sub-select, a chapter title; two or more
  units each in a sub-select of their measures, joined on ?m), joins instead of
  FILTER(EXISTS …), UNION branches for "or", MINUS for negation (a hash anti-join: FILTER NOT
  EXISTS ran its pattern once per measure, ~50x slower);
- counts aggregate in SPARQL by unit node, labels joined after the GROUP BY.
"""

from __future__ import annotations

import json

from graph.store.rdf_mapping import plan_graph_iri
from qa_service.policy.query.query import ANY, CO, LEAD, PolicyQuery, UnitTerm

_ROLE_PATH = {
    LEAD: "kepu:leadUnit",
    CO: "kepu:coUnit",
    ANY: "kepu:leadUnit|kepu:coUnit|kepu:localUnit|kepu:zone",
}


def _lit(text: str) -> str:
    """A SPARQL string literal; JSON string escaping is valid SPARQL escaping for these characters."""
    return json.dumps(str(text), ensure_ascii=False)


def _label(var: str, term: UnitTerm) -> str:
    """`var` bound to the unit nodes of the term's name (or names, where its plan writes two)."""
    labels = term.labels
    if len(labels) == 1:
        return f"{var} skos:prefLabel {_lit(labels[0])} ."
    return f"VALUES {var}_l {{ {' '.join(_lit(n) for n in labels)} }} {var} skos:prefLabel {var}_l ."


def _units_first(terms: list[tuple[str, UnitTerm]]) -> str:
    """A sub-select binding each variable to the unit nodes labelled with its term's name, so the
    join below starts from bound unit nodes (a label joined inside the pattern made oxigraph
    cross every measure with every unit: ~10x slower)."""
    labels = " ".join(_label(var, term) for var, term in terms)
    return "{ SELECT " + " ".join(var for var, _ in terms) + " WHERE { " + labels + " } }"


def _in_plans(q: PolicyQuery, body: list[str], head: list[str] | None = None) -> list[str]:
    """`body` read in the plans of the scope: one plan's graph, several graphs, or the merge of all;
    `head` (unit nodes bound by label) before it, outside the graph."""
    plans = q.scope.plans
    head = head if head is not None else _head(q)
    inner = "\n    ".join(body)
    if len(plans) == 1:
        return [*head, f"GRAPH <{plan_graph_iri(plans[0])}> {{\n    {inner}\n  }}"]
    if plans:
        graphs = " ".join(f"<{plan_graph_iri(p)}>" for p in plans)
        return [*head, f"VALUES ?g {{ {graphs} }}", f"GRAPH ?g {{\n    {inner}\n  }}"]
    return [*head, *body]


def _positive(q: PolicyQuery) -> list[tuple[str, UnitTerm]]:
    """The unit terms every matching measure must hold, with their variables."""
    if q.op == "or" and len(q.units) >= 2:
        return []
    return [(f"?u{i}", t) for i, t in enumerate(t for t in q.units if not t.negated)]


def _head(q: PolicyQuery) -> list[str]:
    terms = _positive(q)
    return [_units_first(terms)] if len(terms) == 1 else []


def _unit_measures(var: str, term: UnitTerm) -> str:
    """A sub-select of the measures one unit term holds: with two or more terms, each term's
    measures are found on their own and hash-joined on ?m (2x faster than binding every unit node
    first and walking both role paths from each measure: 36 -> 16 ms over 100 plans)."""
    return (
        f"{{ SELECT DISTINCT ?m WHERE {{ {_label(var, term)} "
        f"?m {_ROLE_PATH[term.role]} {var} }} }}"
    )


def _measure_body(q: PolicyQuery, with_id: bool = True, typed: bool = False, flat: bool = False) -> list[str]:
    """Patterns binding ?m (and ?id) to the measures the query asks about, most selective first;
    `typed`: the caller joins ?m to a unit edge, which only measures have; `flat`: units found by
    label in the same pattern, no sub-select (inside GRAPH ?g, where oxigraph evaluates a
    sub-select against every graph and joins afterwards)."""
    s = q.scope
    lines: list[str] = []
    bound = False  # ?m already restricted to measures
    if s.measure_ids:
        lines.append("VALUES ?id { " + " ".join(_lit(i) for i in s.measure_ids) + " }")
        lines.append("?m dcterms:identifier ?id .")
    units = list(q.units)
    positive = _positive(q)
    for var, term in positive:
        if flat:
            lines.append(f"{_label(var, term)} ?m {_ROLE_PATH[term.role]} {var} .")
        else:
            lines.append(f"?m {_ROLE_PATH[term.role]} {var} ." if len(positive) == 1 else _unit_measures(var, term))
        bound = True
    if s.chapter:
        lines.append(f"?m kepu:chapterTitle {_lit(s.chapter)} .")
        bound = True
    if s.section:
        lines.append(f"?m kepu:sectionTitle {_lit(s.section)} .")
        bound = True
    if q.op == "or" and len(units) >= 2:
        branches = []
        for i, term in enumerate(units):
            if term.negated:
                branches.append(
                    f"{{ ?m a kepu:Measure MINUS {{ {_label(f'?x{i}', term)} "
                    f"?m {_ROLE_PATH[term.role]} ?x{i} }} }}"
                )
            else:
                var = f"?u{i}"
                first = _label(var, term) if flat else _units_first([(var, term)])
                branches.append(f"{{ {first} ?m {_ROLE_PATH[term.role]} {var} }}")
        lines.append(" UNION ".join(branches))
        bound = True
    if s.group:
        lines.append(f"?grp skos:prefLabel {_lit(s.group)} . ?m kepu:targetGroup ?grp .")
    if not typed and (not bound or s.group):  # sections have target groups too
        lines.append("?m a kepu:Measure .")
    if q.op == "and" or len(units) < 2:
        for i, term in enumerate(t for t in units if t.negated):
            lines.append(
                f"MINUS {{ {_label(f'?n{i}', term)} ?m {_ROLE_PATH[term.role]} ?n{i} }}"
            )
    if q.no_lead:
        lines.append("MINUS { ?m kepu:leadUnit ?lead_ }")
    if with_id and not s.measure_ids:
        lines.append("?m dcterms:identifier ?id .")
    return lines


def measure_patterns(q: PolicyQuery) -> str:
    """Graph patterns binding ?m (a measure) and ?id, restricted by the query."""
    return "\n  ".join(_in_plans(q, _measure_body(q)))


def measures(q: PolicyQuery) -> str:
    return f"SELECT DISTINCT ?id WHERE {{\n  {measure_patterns(q)}\n}}"


def plan_counts(q: PolicyQuery) -> str:
    """Matching measures per plan graph, counted in the store (several plans, too many to list)."""
    # Everything inside the graph, the unit's label too (each plan's graph holds its units'
    # labels): bound outside it, the label join ran once per plan graph (~2x slower over 101 plans).
    body = "\n    ".join(_measure_body(q, with_id=False, flat=True))
    plans = q.scope.plans
    values = ("VALUES ?g { " + " ".join(f"<{plan_graph_iri(p)}>" for p in plans) + " }\n  ") if plans else ""
    return f"SELECT ?g (COUNT(DISTINCT ?m) AS ?n) WHERE {{\n  {values}GRAPH ?g {{\n    {body}\n  }}\n}} GROUP BY ?g"


def unit_counts(q: PolicyQuery, names: list[str] | None = None) -> str:
    """Measures per department unit node (local governments and zones are not counted), labels and
    regions joined after counting; with `names`, only the units of those names."""
    edge = {
        LEAD: "?m kepu:leadUnit ?u .",
        CO: "?m kepu:coUnit ?u .",
        ANY: "{ ?m kepu:leadUnit ?u } UNION { ?m kepu:coUnit ?u }",
    }[q.count_role]
    body = _measure_body(q, with_id=False, typed=True)
    head = _head(q)
    if names:  # the named units bound first: two units' edges, not every unit's
        head.append(
            "{ SELECT ?u WHERE { VALUES ?label { "
            + " ".join(_lit(n) for n in names)
            + " } ?u skos:prefLabel ?label } }"
        )
        body = [edge, *body]
    else:
        body = [*body, edge]
    return (
        "SELECT ?name ?region ?n WHERE {\n  { SELECT ?u (COUNT(DISTINCT ?m) AS ?n) WHERE {\n  "
        + "\n  ".join(_in_plans(q, body, head))
        + "\n  } GROUP BY ?u }\n  ?u skos:prefLabel ?name .\n  OPTIONAL { ?u kepu:region ?region }\n}"
    )


def unit_roles(q: PolicyQuery) -> str:
    """(measure, unit, role) for every department unit of the matching measures."""
    extra = ""
    if q.exclude_units:
        extra = "\n  FILTER(?name NOT IN (" + ", ".join(_lit(n) for n in q.exclude_units) + "))"
    body = [
        *_measure_body(q, typed=True),
        '{ ?m kepu:leadUnit ?u BIND("lead" AS ?role) } UNION { ?m kepu:coUnit ?u BIND("co" AS ?role) }',
    ]
    return (
        "SELECT DISTINCT ?id ?name ?role WHERE {\n  "
        + "\n  ".join(_in_plans(q, body))
        + f"\n  ?u skos:prefLabel ?name .{extra}\n}}"
    )


def targets(q: PolicyQuery) -> list[str]:
    """Targets of the matching measures; a second query for plan goals unless the question is
    about some measures only."""
    t = q.targets
    tests = []
    if t is not None and t.period:
        tests.append(f"?t kepu:period {_lit(t.period)} .")
    if t is not None and t.deadline:  # on a handful of target rows: the string test costs nothing
        tests.append(f"?t kepu:deadline ?deadline . FILTER(CONTAINS(?deadline, {_lit(t.deadline)}))")
    inner = ["?t kepu:position ?tpos .", *tests]
    body = [*_measure_body(q), "?m kepu:hasTarget ?t .", *inner]
    out = [
        "SELECT DISTINCT ?owner ?tpos WHERE {\n  "
        + "\n  ".join(_in_plans(q, body)).replace("?id", "?owner")
        + "\n}"
    ]
    if _with_goals(q):
        goal_body = ["?p a kepu:Plan ; dcterms:identifier ?owner ; kepu:hasTarget ?t .", *inner]
        out.append("SELECT ?owner ?tpos WHERE {\n  " + "\n  ".join(_in_plans(q, goal_body, [])) + "\n}")
    return out


def _with_goals(q: PolicyQuery) -> bool:
    s = q.scope
    return bool(
        q.targets
        and q.targets.include_goals
        and not (s.measure_ids or s.chapter or s.section or s.group or q.units or q.no_lead)
    )
