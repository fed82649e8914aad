"""Running a PolicyQuery on a store: SPARQL on oxigraph (the embedded store, or an in-memory copy of
the plans when answering from plan files), Cypher on a Neo4j / Bolt server.

Both return the same plain rows; row order is fixed afterwards by `engine.py` from the plan's own
order, so the two backends can be compared row for row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.ontology import NAMESPACES
from graph.records import PlanRecord
from graph.store.rdf_mapping import plan_graph_iri, plan_to_graph
from graph.unit_identity import scope_label
from qa_service.policy.query import cypher, sparql
from qa_service.policy.query.query import PolicyQuery


@dataclass
class Rows:
    """What one query returned, plus the statements that produced it (for --explain)."""

    measure_ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # unit -> measures
    regional: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, region) -> measures
    roles: list[tuple[str, str, str]] = field(default_factory=list)  # (measure id, unit, lead|co)
    targets: list[tuple[str, int]] = field(default_factory=list)  # (owner id, target position)
    per_plan: dict[str, int] = field(default_factory=dict)  # plan id -> matching measures
    statements: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add_counts(self, found) -> None:
        """Rows of (name, region, n), one per unit node: `counts` adds same-named nodes up,
        `regional` keeps each region's unit apart (淮阴区's 区科协 is not 罗湖区's)."""
        for r in found:
            name, region, n = r["name"], r.get("region") or "", int(r["n"])
            self.counts[name] = self.counts.get(name, 0) + n
            self.regional[(name, region)] = self.regional.get((name, region), 0) + n

    def merge_names(self, representative) -> None:
        """Counts of one unit's names (县人力社保局, 县人社局) as the one unit's, under the name
        standing for it. A measure naming both forms would count twice; plans write one form per note."""
        counts: dict[str, int] = {}
        regional: dict[tuple[str, str], int] = {}
        for name, n in self.counts.items():
            counts[representative(name)] = counts.get(representative(name), 0) + n
        for (name, region), n in self.regional.items():
            key = (representative(name), region)
            regional[key] = regional.get(key, 0) + n
        self.counts, self.regional = counts, regional

    def labelled_counts(self) -> dict[str, tuple[str, str, int]]:
        """label -> (unit name, region shown or "", measures): the bare name when one region's
        units were counted, else each with its region as people read it (`scope_label`),
        区科协（淮阴区）, so that two regions' units of one name stay apart."""
        many = len({region for _, region in self.regional if region}) > 1
        out = {}
        for (name, region), n in self.regional.items():
            shown = scope_label(region) if many and region else ""
            out[f"{name}（{shown}）" if shown else name] = (name, shown, n)
        return out


class MemoryGraph:
    """The plans' triples in an in-memory oxigraph store laid out as the on-disk store: each plan in
    its own named graph, the default graph their merge, so the same SPARQL runs on both."""

    def __init__(self, plans: list[PlanRecord]):
        self.store = ox.Store()
        for plan in plans:
            data = plan_to_graph(plan).serialize(format="nt", encoding="utf-8")
            self.store.load(data, format=ox.RdfFormat.N_TRIPLES)
            graph = ox.NamedNode(str(plan_graph_iri(plan.id)))
            self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def sparql(self, query: str) -> list[dict]:
        result = self.store.query(query, prefixes=NAMESPACES)
        names = [v.value for v in result.variables]
        return [
            {n: (None if sol[i] is None else sol[i].value) for i, n in enumerate(names)} for sol in result
        ]


class LazyMemoryGraph:
    """A MemoryGraph built on the first query (answering from plan files that never ask one costs nothing)."""

    def __init__(self, plans: list[PlanRecord]):
        self._plans = plans
        self._graph: MemoryGraph | None = None

    def sparql(self, query: str) -> list[dict]:
        if self._graph is None:
            self._graph = MemoryGraph(self._plans)
        return self._graph.sparql(query)


class SparqlBackend:
    language = "SPARQL"

    def __init__(self, graph):
        self.graph = graph  # anything with .sparql(text) -> rows of str (OxigraphStore, MemoryGraph)

    def run(self, kind: str, q: PolicyQuery, names: list[str] | None = None, limit: int | None = None) -> Rows:
        """`limit`: at most that many rows (measures, or role rows) in no particular order."""
        started = time.perf_counter()
        rows = Rows()
        page = f"\nLIMIT {int(limit)}" if limit else ""
        if kind == "measures":
            text = sparql.measures(q) + page
            rows.measure_ids = [r["id"] for r in self.graph.sparql(text)]
        elif kind == "plan_counts":
            text = sparql.plan_counts(q)
            rows.per_plan = {plan_of_graph(r["g"]): int(r["n"]) for r in self.graph.sparql(text)}
        elif kind == "counts":
            text = sparql.unit_counts(q, names)
            rows.add_counts(self.graph.sparql(text))
        elif kind == "roles":
            text = sparql.unit_roles(q) + page
            rows.roles = [(r["id"], r["name"], r["role"]) for r in self.graph.sparql(text)]
        elif kind == "targets":
            texts = sparql.targets(q)
            for one in texts:
                rows.targets += [(r["owner"], int(r["tpos"])) for r in self.graph.sparql(one)]
            text = "\n\n".join(texts)
        else:
            raise ValueError(kind)
        rows.statements = [text]
        rows.seconds = time.perf_counter() - started
        return rows


class CypherBackend:
    language = "Cypher"

    def __init__(self, store):
        self.store = store  # Neo4jStore: .query(cypher, **params) -> list[dict]

    def run(self, kind: str, q: PolicyQuery, names: list[str] | None = None, limit: int | None = None) -> Rows:
        started = time.perf_counter()
        rows = Rows()
        if kind == "measures":
            statements = [cypher.measures(q, limit)]
            found = self.store.query(statements[0][0], **statements[0][1])
            found.sort(key=lambda r: (r["plan"], r["pos"]))
            rows.measure_ids = [r["id"] for r in found]
        elif kind == "plan_counts":
            statements = [cypher.plan_counts(q)]
            rows.per_plan = {r["plan"]: int(r["n"]) for r in self.store.query(statements[0][0], **statements[0][1])}
        elif kind == "counts":
            statements = [cypher.unit_counts(q, names)]
            rows.add_counts(self.store.query(statements[0][0], **statements[0][1]))
        elif kind == "roles":
            statements = [cypher.unit_roles(q, limit)]
            role = {"LEAD_UNIT": "lead", "CO_UNIT": "co"}
            rows.roles = [
                (r["id"], r["name"], role[r["role"]])
                for r in self.store.query(statements[0][0], **statements[0][1])
            ]
        elif kind == "targets":
            statements = cypher.targets(q, sparql._with_goals(q))
            for text, params in statements:
                rows.targets += [(r["owner"], int(r["tpos"])) for r in self.store.query(text, **params)]
        else:
            raise ValueError(kind)
        rows.statements = [_show(text, params) for text, params in statements]
        rows.seconds = time.perf_counter() - started
        return rows


def plan_of_graph(iri: str) -> str:
    """The plan id of a plan's named graph (graph/store/rdf_mapping.py's plan_graph_iri)."""
    from urllib.parse import unquote

    return unquote(iri.rsplit("/plan/", 1)[-1])


def _show(text: str, params: dict) -> str:
    if not params:
        return text
    import json

    return f"{text}\n// params: {json.dumps(params, ensure_ascii=False)}"


def backend_for(store, plans: list[PlanRecord]):
    """Cypher for a Bolt store, SPARQL for the embedded one, SPARQL on an in-memory copy otherwise."""
    if store is not None and hasattr(store, "query") and not hasattr(store, "sparql"):
        return CypherBackend(store)
    if store is not None and hasattr(store, "sparql"):
        return SparqlBackend(store)
    return SparqlBackend(LazyMemoryGraph(plans))
