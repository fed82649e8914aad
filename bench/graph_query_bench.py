"""Issue 14: graph questions (and, or, not, how many, which most, by when).

- in-process answer latency of the chat service on the graph question set of the shipped plan
  (tests/data/kgqa/graph_questions.jsonl), first pass uncached: the query embedding, the parse,
  the SPARQL query and the answer text. Targets: p50 < 20 ms, p99 < 60 ms;
- the query alone (SPARQL on the embedded store, Cypher over Bolt) with 100 synthetic plans plus
  the shipped one in one store, for every query the question set parses into, scoped to the
  shipped plan as a question naming its plan is, and over all plans. Target: < 5 ms.
"""

from __future__ import annotations

import json
from dataclasses import replace

from bench.stats import latency_summary, load_average, stopwatch
from bench.workspace import PROJECT_ROOT, SHIPPED_PLANS, Context, group_main, settings_for

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "kgqa" / "graph_questions.jsonl"
SYNTHETIC_PLANS = 100
KINDS = {
    "max": "counts",
    "min": "counts",
    "compare": "counts",
    "units": "roles",
    "targets": "targets",
    "deadline": "targets",
}


def _questions(plan: str) -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return [r["q"] for r in rows if r["plan"] == plan and "q" in r]


def _answer_latency(encoder, registry, plan, questions: list[str]) -> dict:
    import time

    from qa_service.chat.service import ChatService
    from qa_service.chat.sessions import InMemorySessionStore
    from qa_service.policy.qa import PolicyQA

    chat = ChatService(PolicyQA([plan], encoder, registry), InMemorySessionStore())
    chat.answer("区科协负责哪些工作？")  # warm the code paths, not the questions
    seconds, graph, query_ms = [], 0, []
    for q in questions:
        started = time.perf_counter()
        body = chat.answer(q)
        seconds.append(time.perf_counter() - started)
        if body.get("query"):
            graph += 1
            query_ms.append(body["query"]["milliseconds"] / 1000)
    return {
        **latency_summary(seconds),
        "answered_as_graph_query": graph,
        "query_only": latency_summary(query_ms),
        "load_average": load_average(),
    }


def _queries(plans, registry, questions):
    from graph.unit_resolver import UnitResolver
    from qa_service.policy.answer import PolicyAnswerer
    from qa_service.policy.index import PolicyIndex
    from qa_service.policy.params import load_params
    from qa_service.policy.query.engine import QueryEngine

    resolver = UnitResolver.build(plans, registry)
    engine = QueryEngine(PolicyAnswerer(PolicyIndex(plans, None, resolver.known()), resolver, load_params()))
    out = []
    for q in questions:
        parsed = engine.parse(q)
        if parsed is not None and not parsed.unknown_units:
            out.append(parsed.query)
    return out


def _time_queries(backend, queries, plan_ids) -> dict:
    import time

    seconds = []
    for q in queries:
        kind = KINDS.get(q.aggregate, "measures")
        scoped = replace(q, scope=replace(q.scope, plans=plan_ids))
        backend.run(kind, scoped, q.compare or None)  # first run of a statement: not timed
        started = time.perf_counter()
        backend.run(kind, scoped, q.compare or None)
        seconds.append(time.perf_counter() - started)
    return {**latency_summary(seconds), "load_average": load_average()}


def run(ctx: Context) -> dict:
    from bench.synth import synthetic_plans
    from graph.encoder.factory import get_encoder
    from graph.store.oxigraph import OxigraphStore
    from graph.unit_registry import UnitRegistry
    from ingest.plan_parser import parse_plan_file
    from qa_service.policy.query.backends import CypherBackend, SparqlBackend

    settings = settings_for(ctx.work)
    registry = UnitRegistry.shared(settings.unit_registry)
    shipped = parse_plan_file(SHIPPED_PLANS[0], registry=registry)
    questions = _questions("huaiyin")
    with stopwatch() as model:
        encoder = get_encoder(settings)
    result = {
        "questions": len(questions),
        "model_load_seconds": model["seconds"],
        "answer": _answer_latency(encoder, registry, shipped, questions),
    }

    count = 10 if ctx.quick else SYNTHETIC_PLANS
    plans = [shipped, *synthetic_plans(SHIPPED_PLANS[0], count)]
    queries = _queries([shipped], registry, questions)
    store = OxigraphStore(ctx.scratch("graph-query-store") / "graph")
    with stopwatch() as write:
        store.put_plans(plans)
    sparql = SparqlBackend(store)
    result["embedded"] = {
        "plans_in_store": len(store.plan_ids()),
        "write_seconds": write["seconds"],
        "queries": len(queries),
        "one_plan": _time_queries(sparql, queries, [shipped.id]),
        "all_plans": _time_queries(sparql, queries, []),
    }
    from graph.store.neo4j import Neo4jStore
    from tests.support.arcadedb_server import ArcadeDBServer

    with ArcadeDBServer(root_dir=ctx.scratch("graph-query-arcadedb"), heap="768m") as server:
        bolt = Neo4jStore(server.uri, server.user, server.password, server.database)
        with stopwatch() as sync:
            bolt.put_plans(plans)
        cypher = CypherBackend(bolt)
        result["bolt"] = {
            "plans_in_store": len(bolt.plan_ids()),
            "write_seconds": sync["seconds"],
            "queries": len(queries),
            "one_plan": _time_queries(cypher, queries, [shipped.id]),
            "all_plans": _time_queries(cypher, queries, []),
        }
        bolt.close()
    return result


if __name__ == "__main__":
    group_main(run)
