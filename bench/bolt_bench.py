"""Issue 6: the Neo4j backend over Bolt, against a real server (ArcadeDB, tests/support/arcadedb_server.py).

- sync of the shipped plan (in-process `Neo4jStore.put_plan`, first and repeated; and `kepu graph
  sync` wall time), then of 100 synthetic plans;
- answer latency with the Bolt store next to the embedded store: the ask group's measurement
  (bench/ask_bench.py) run twice in fresh processes while the server holds only the shipped plan;
- `Neo4jStore.measure_units` latency, for comparison with the SPARQL lookup.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import asdict

from bench.stats import latency_summary, load_average, stopwatch, time_calls
from bench.workspace import PROJECT_ROOT, SHIPPED_PLANS, Context, child_env, group_main, kepu, settings_for

SYNTHETIC_PLANS = 100
LOOKUPS = 300


def _ask(ctx: Context, label: str, options: dict) -> dict:
    sub = Context(ctx.work_dir, ctx.base_dir, ctx.quick, {**options, "latency_only": True})
    ctx_path, out_path = ctx.work / f"{label}.ctx.json", ctx.work / f"{label}.out.json"
    ctx_path.write_text(json.dumps(asdict(sub)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bench.ask_bench", "--ctx", str(ctx_path), "--out", str(out_path)],
                          cwd=PROJECT_ROOT, env=child_env(), capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed",
                "log_tail": done.stderr[-2000:]}
    return json.loads(out_path.read_text(encoding="utf-8"))


def run(ctx: Context) -> dict:
    from graph.store.neo4j import Neo4jStore
    from graph.unit_registry import UnitRegistry
    from ingest.plan_parser import parse_plan_file
    from tests.support.arcadedb_server import ArcadeDBServer

    registry = UnitRegistry.shared(settings_for(ctx.work).unit_registry)
    shipped = parse_plan_file(SHIPPED_PLANS[0], registry=registry)
    count = 10 if ctx.quick else SYNTHETIC_PLANS
    with ArcadeDBServer(root_dir=ctx.scratch("arcadedb"), heap="768m") as server:
        options = {"graph_uri": server.uri, "graph_user": server.user, "graph_password": server.password,
                   "graph_database": server.database}
        store = Neo4jStore(server.uri, server.user, server.password, server.database)
        sync: dict = {"server_startup_seconds": round(server.startup_seconds, 1)}
        with stopwatch() as first:
            store.put_plan(shipped)
        with stopwatch() as again:
            store.put_plan(shipped)
        sync.update(shipped_seconds=first["seconds"], shipped_again_seconds=again["seconds"],
                    measures=len(shipped.measures))
        sync["cli_seconds"] = kepu(["graph", "sync", "--to", server.uri, "--user", server.user, "--password",
                                    server.password, "--database", server.database], ctx.base)
        sync["load_average"] = load_average()
        picks = [random.Random(5).choice(shipped.measures).id for _ in range(LOOKUPS)]
        seconds, _ = time_calls(store.measure_units, picks)
        units = {**latency_summary(seconds), "load_average": load_average()}

        ask_bolt = _ask(ctx, "bolt-ask-bolt", options)
        ask_embedded = _ask(ctx, "bolt-ask-embedded", {})

        plans = [parse_plan_file(SHIPPED_PLANS[0], plan_id=f"bench-plan-{i:03d}", registry=registry)
                 for i in range(count)]
        per_plan = []
        load_before = load_average()
        with stopwatch() as total:
            for plan in plans:
                started = time.perf_counter()
                store.put_plan(plan)
                per_plan.append(time.perf_counter() - started)
        sync.update(synthetic_plans=count, synthetic_seconds=total["seconds"],
                    synthetic_per_plan=latency_summary(per_plan), plans_on_server=len(store.plan_ids()),
                    synthetic_load_average_before=load_before, synthetic_load_average=load_average())
        store.close()
    return {"sync": sync, "measure_units": units, "ask_bolt": ask_bolt, "ask_embedded": ask_embedded,
            "load_average": load_average()}


if __name__ == "__main__":
    group_main(run)
