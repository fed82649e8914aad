"""Issue 2: plan ingest speed and SPARQL lookups on the embedded graph store.

- the shipped plan, parse + store write in-process after start-up (target < 1 s), several runs each
  into a fresh store; and `kepu ingest plan` wall time (interpreter start-up included);
- 100 synthetic plans (the same text under other plan ids) into one store (target < 30 s in all);
- `OxigraphStore.measure_units` for random measures (target median < 2 ms), with 1 and 101 plans.
"""

from __future__ import annotations

import random
import time

from bench.stats import latency_summary, load_average, stopwatch, time_calls
from bench.workspace import SHIPPED_PLANS, Context, group_main, kepu, settings_for

SHIPPED_RUNS = 5
CLI_RUNS = 3
SYNTHETIC_PLANS = 100
LOOKUPS = 2000
# Writes that slow down with every plan already stored must not hold the whole run: past this the
# remaining synthetic plans are skipped and the figure says so (the target is then missed anyway).
SYNTHETIC_TIME_CAP = 240.0


def _shipped_in_process(ctx: Context, runs: int) -> dict:
    from graph.store.oxigraph import OxigraphStore
    from graph.unit_registry import UnitRegistry
    from ingest.plan_parser import parse_plan_file

    plan_path = SHIPPED_PLANS[0]
    registry_path = settings_for(ctx.work).unit_registry
    parse_s, write_s, total_s = [], [], []
    for run in range(runs):
        store_dir = ctx.scratch(f"ingest-shipped-{run}")
        started = time.perf_counter()
        plan = parse_plan_file(plan_path, registry=UnitRegistry.load(registry_path))
        parsed = time.perf_counter()
        store = OxigraphStore(store_dir / "graph")
        store.put_plan(plan)
        store.close()
        done = time.perf_counter()
        parse_s.append(parsed - started)
        write_s.append(done - parsed)
        total_s.append(done - started)
    return {
        "runs": runs,
        "measures": len(plan.measures),
        "first_run_seconds": round(total_s[0], 3),
        "parse_seconds": latency_summary(parse_s),
        "write_seconds": latency_summary(write_s),
        "total_seconds": latency_summary(total_s),
        "median_seconds": round(sorted(total_s)[len(total_s) // 2], 3),
        "load_average": load_average(),
    }


def _cli(ctx: Context, runs: int) -> dict:
    seconds = []
    for run in range(runs):
        data_dir = ctx.scratch(f"ingest-cli-{run}")
        seconds.append(kepu(["ingest", "plan", str(SHIPPED_PLANS[0])], data_dir))
    return {"runs": runs, "wall_seconds": seconds, "median_seconds": sorted(seconds)[len(seconds) // 2],
            "load_average": load_average()}


def _measure_lookups(store, measure_ids: list[str], count: int) -> dict:
    rng = random.Random(3)
    picks = [rng.choice(measure_ids) for _ in range(count)]
    store.measure_units(picks[0])  # the first query opens the generation
    seconds, results = time_calls(store.measure_units, picks)
    assert all(r is not None for r in results), "every picked measure should have units"
    return {**latency_summary(seconds), "load_average": load_average()}


def _synthetic(ctx: Context, count: int, lookups: int) -> dict:
    from graph.store.oxigraph import OxigraphStore
    from graph.unit_registry import UnitRegistry
    from ingest.plan_parser import parse_plan_file

    store_dir = ctx.scratch("ingest-synthetic")
    registry = UnitRegistry.shared(settings_for(ctx.work).unit_registry)
    store = OxigraphStore(store_dir / "graph")
    shipped = parse_plan_file(SHIPPED_PLANS[0], registry=registry)
    store.put_plan(shipped)
    one_plan = _measure_lookups(store, [m.id for m in shipped.measures], lookups)
    per_plan = []
    load_before = load_average()
    # Parse every plan, then write them as one generation (`kepu ingest plan DIR` does the same).
    with stopwatch() as total:
        plans = []
        for i in range(count):
            started = time.perf_counter()
            plans.append(parse_plan_file(SHIPPED_PLANS[0], plan_id=f"bench-plan-{i:03d}", registry=registry))
            per_plan.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.put_plans(plans)
        write_seconds = time.perf_counter() - started
    per_plan = [t + write_seconds / count for t in per_plan]
    done = len(per_plan)
    many_ids = [m.id for m in shipped.measures] + [f"bench-plan-{done - 1:03d}/{m.id.split('/', 1)[1]}"
                                                   for m in shipped.measures if "/" in m.id]
    many = _measure_lookups(store, many_ids, lookups)
    plans_now = len(store.plan_ids())
    store.close()
    return {
        "plans": count,
        "plans_done": done,
        "capped_after_seconds": SYNTHETIC_TIME_CAP if done < count else None,
        "total_seconds": total["seconds"],
        "per_plan_seconds": latency_summary(per_plan),
        "first_plan_seconds": round(per_plan[0], 3),
        "last_plan_seconds": round(per_plan[-1], 3),
        "plans_in_store": plans_now,
        "load_average_before": load_before,
        "load_average": load_average(),
        "measure_units_1_plan": one_plan,
        "measure_units_101_plans": many,
    }


def run(ctx: Context) -> dict:
    import graph.store.oxigraph  # noqa: F401 - start-up (imports) is not part of the ingest time
    import ingest.plan_parser  # noqa: F401

    quick = ctx.quick
    return {
        "shipped_plan": _shipped_in_process(ctx, 2 if quick else SHIPPED_RUNS),
        "cli": _cli(ctx, 1 if quick else CLI_RUNS),
        "synthetic": _synthetic(ctx, 10 if quick else SYNTHETIC_PLANS, 300 if quick else LOOKUPS),
    }


if __name__ == "__main__":
    group_main(run)
