"""Issue 14: graph questions (and, or, not, how many, which most, by when).

- in-process answer latency of the chat service on the graph question set of the shipped plan
  (tests/data/kgqa/graph_questions.jsonl), first pass uncached: the query embedding, the parse,
  the SPARQL query and the answer text. Targets: p50 < 20 ms, p99 < 60 ms;
- the query alone (SPARQL on the embedded store, Cypher over Bolt) with 100 synthetic plans plus
  the shipped one in one store, for every query the question set parses into, scoped to the
  shipped plan as a question naming its plan is, and over all plans: the statements the answer
  runs, a page of rows and, where more match across plans, their count per plan. Target: < 5 ms.
"""

from __future__ import annotations

import json
from dataclasses import replace

from bench.stats import latency_summary, load_average, stopwatch
from bench.workspace import PROJECT_ROOT, SHIPPED_PLANS, Context, group_main, settings_for

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "kgqa" / "graph_questions.jsonl"
SYNTHETIC_PLANS = 100


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
    engine = _engine(plans, registry)
    out = []
    for q in questions:
        parsed = engine.parse(q)
        if parsed is not None and not parsed.unknown_units:
            out.append(parsed.query)
    return out


def _engine(plans, registry):
    from graph.unit_resolver import UnitResolver
    from qa_service.policy.answer import PolicyAnswerer
    from qa_service.policy.index import PolicyIndex
    from qa_service.policy.params import load_params
    from qa_service.policy.query.engine import QueryEngine

    resolver = UnitResolver.build(plans, registry)
    return QueryEngine(PolicyAnswerer(PolicyIndex(plans, None, resolver.known()), resolver, load_params()))


def _time_queries(engine, backend, queries, plan_ids) -> dict:
    """The statements each query's answer runs on the store (over several plans: a page of rows,
    and their number per plan where more match), timed by the engine as `/api/ask` reports it."""
    seconds, summarised = [], 0
    for q in queries:
        scoped = replace(q, scope=replace(q.scope, plans=plan_ids))
        engine.run(scoped, backend)  # first run of a statement: not timed
        result = engine.run(scoped, backend)
        seconds.append(result.query["milliseconds"] / 1000)
        summarised += "分属" in result.answer and "个方案" in result.answer
    return {**latency_summary(seconds), "answered_by_counts_per_plan": summarised, "load_average": load_average()}


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
    engine = _engine(plans, registry)
    all_ids = [p.id for p in plans]
    result["embedded"] = {
        "plans_in_store": len(store.plan_ids()),
        "write_seconds": write["seconds"],
        "queries": len(queries),
        "one_plan": _time_queries(engine, sparql, queries, [shipped.id]),
        "all_plans": _time_queries(engine, sparql, queries, all_ids),
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
            "one_plan": _time_queries(engine, cypher, queries, [shipped.id]),
            "all_plans": _time_queries(engine, cypher, queries, all_ids),
        }
        bolt.close()
    return result


if __name__ == "__main__":
    group_main(run)
