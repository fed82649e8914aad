"""PolicyQuery -> Cypher for the Neo4j store (graph/neo4j_store.py's shape), run over Bolt.

Kept to the subset Neo4j 5 and ArcadeDB both run: MATCH, pattern predicates in WHERE, IN lists,
parameters for every value. Each function returns (cypher, params).

A unit term is a membership test on the measure's own name lists (`lead_names`, `co_names`,
`unit_names`, written by graph/store/neo4j_mapping.py beside the role edges): with 101 plans in
ArcadeDB, one plan in scope, that took the question set's p99 from 13.5 to 5.7 ms (max 45.7 ->
5.9 ms) against pattern predicates on the edges, with the same results.
"""

from __future__ import annotations

from qa_service.policy.query.query import ANY, CO, LEAD, PolicyQuery, UnitTerm

_DEPT_TYPES = {LEAD: "LEAD_UNIT", CO: "CO_UNIT", ANY: "LEAD_UNIT|CO_UNIT"}
_NAME_LISTS = {LEAD: "lead_names", CO: "co_names", ANY: "unit_names"}  # ANY: local units, zones too


def _term(term: UnitTerm, param: str, params: dict) -> str:
    """A test on `m`: does the unit of that name (or names, where its plan writes two) hold the
    term's role in it."""
    labels = term.labels
    tests = []
    for k, name in enumerate(labels):
        key = param if len(labels) == 1 else f"{param}_{k}"
        params[key] = name
        tests.append(f"${key} IN m.{_NAME_LISTS[term.role]}")
    test = tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")"
    return f"NOT {test}" if term.negated else test


def _scope(q: PolicyQuery, params: dict) -> list[str]:
    s = q.scope
    where = []
    if len(s.plans) == 1:  # equality: the plan index answers it directly
        where.append("m.plan = $plan")
        params["plan"] = s.plans[0]
    elif s.plans:
        where.append("m.plan IN $plans")
        params["plans"] = list(s.plans)
    if s.measure_ids:
        where.append("m.id IN $ids")
        params["ids"] = list(s.measure_ids)
    if s.chapter:
        where.append("m.chapter_title = $chapter")
        params["chapter"] = s.chapter
    if s.section:
        where.append("m.section_title = $section")
        params["section"] = s.section
    if s.group:
        where.append("m.target_group = $group")
        params["group"] = s.group
    return where


def _where(q: PolicyQuery, params: dict) -> list[str]:
    where = _scope(q, params)
    tests = []
    for i, term in enumerate(q.units):
        tests.append(_term(term, f"u{i}", params))
    if tests:
        where.append("(" + (" AND " if q.op == "and" else " OR ").join(tests) + ")")
    if q.no_lead:
        where.append("NOT (m)-[:LEAD_UNIT]->(:Unit)")
    return where


def measure_match(q: PolicyQuery, params: dict) -> str:
    """A MATCH leaving `m` bound to each matching measure."""
    where = _where(q, params)
    return "MATCH (m:Measure)" + ("\nWHERE " + "\n  AND ".join(where) if where else "")


def measures(q: PolicyQuery, limit: int | None = None) -> tuple[str, dict]:
    params: dict = {}
    page = f" LIMIT {int(limit)}" if limit else ""
    return f"{measure_match(q, params)}\nRETURN m.id AS id, m.plan AS plan, m.pos AS pos{page}", params


def plan_counts(q: PolicyQuery) -> tuple[str, dict]:
    params: dict = {}
    return f"{measure_match(q, params)}\nRETURN m.plan AS plan, count(DISTINCT m) AS n", params


def unit_counts(q: PolicyQuery, names: list[str] | None = None) -> tuple[str, dict]:
    params: dict = {}
    if names and q.scope.plans:
        # From the plans' measures (a plan index look-up), names tested after the expansion: from
        # the unit nodes, 区科协's edges in every plan of its region were walked (100 plans of one
        # region: p50 29 ms against 7 ms); a name test in the MATCH's WHERE planned the same way.
        params["names"] = list(names)
        cypher = (
            measure_match(q, params)
            + f"\nMATCH (m)-[:{_DEPT_TYPES[q.count_role]}]->(u:Unit)\nWITH m, u WHERE u.name IN $names"
        )
    elif names:  # over all plans, from the two unit nodes: their edges only, not every unit's
        params["names"] = list(names)
        head = f"MATCH (u:Unit) WHERE u.name IN $names\nMATCH (u)<-[:{_DEPT_TYPES[q.count_role]}]-(m:Measure)"
        where = _where(q, params)
        cypher = head + ("\nWHERE " + "\n  AND ".join(where) if where else "")
    else:
        cypher = measure_match(q, params) + f"\nMATCH (m)-[:{_DEPT_TYPES[q.count_role]}]->(u:Unit)"
    return cypher + "\nRETURN u.name AS name, u.region AS region, count(DISTINCT m) AS n", params


def unit_roles(q: PolicyQuery, limit: int | None = None) -> tuple[str, dict]:
    params: dict = {}
    cypher = measure_match(q, params) + "\nMATCH (m)-[r:LEAD_UNIT|CO_UNIT]->(u:Unit)"
    if q.exclude_units:
        cypher += " WHERE NOT u.name IN $exclude"
        params["exclude"] = list(q.exclude_units)
    page = f" LIMIT {int(limit)}" if limit else ""
    return cypher + f"\nRETURN m.id AS id, u.name AS name, type(r) AS role{page}", params


def targets(q: PolicyQuery, goals: bool) -> list[tuple[str, dict]]:
    """One statement for measure targets, one more for plan goals when asked."""
    t = q.targets
    tests, extra = [], {}
    if t is not None and t.deadline:
        tests.append("t.deadline CONTAINS $deadline")
        extra["deadline"] = t.deadline
    if t is not None and t.period:
        tests.append("t.period = $period")
        extra["period"] = t.period
    where = (" WHERE " + " AND ".join(tests)) if tests else ""
    params: dict = dict(extra)
    out = [
        (
            measure_match(q, params) + f"\nMATCH (m)-[:HAS_TARGET]->(t:Target){where}\n"
            "RETURN m.id AS owner, t.pos AS tpos, t.deadline AS deadline, t.period AS period",
            params,
        )
    ]
    if goals:
        gparams = dict(extra)
        head = "MATCH (p:Plan)-[:HAS_GOAL]->(t:Target)"
        conds = list(tests)
        if q.scope.plans:
            conds.insert(0, "p.id IN $plans")
            gparams["plans"] = list(q.scope.plans)
        if conds:
            head += " WHERE " + " AND ".join(conds)
        out.append(
            (
                head + "\nRETURN p.id AS owner, t.pos AS tpos, t.deadline AS deadline, t.period AS period",
                gparams,
            )
        )
    return out
