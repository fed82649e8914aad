"""`make bench`: run every benchmark group, write bench/results.json and bench/results.md, and copy
the table into README.md between `<!-- bench:start -->` and `<!-- bench:end -->`.

    python -m bench.run                    # everything (about 25 minutes on 2 idle cores)
    python -m bench.run --only ask,load    # a subset; other groups keep their previous figures
    python -m bench.run --quick            # smaller sizes and counts: a smoke run of a few minutes

Each group runs in its own Python process (clean memory figures, no shared caches) against a
temporary data directory of this run; the base data (the shipped plan and material index) is built
once per run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import write_reports
from bench.stats import load_average, machine
from bench.workspace import PROJECT_ROOT, Context, child_env, write_context

BENCH_DIR = PROJECT_ROOT / "bench"
# group name -> (module, key in results.json, needs the base data dir)
GROUPS = {
    "ingest": ("bench.ingest_bench", "ingest", False),
    "plans": ("bench.plan_pages_bench", "plan_pages", False),
    "ask": ("bench.ask_bench", "ask", True),
    "rumor": ("bench.rumor_bench", "rumor_check", True),
    "wechat": ("bench.wechat_bench", "wechat", True),
    "bolt": ("bench.bolt_bench", "bolt", True),
    "load": ("bench.load_bench", "load", True),
    "team": ("bench.team_bench", "team", True),
    "graph_query": ("bench.graph_query_bench", "graph_query", False),
}
GROUP_TIMEOUT = 3600


def run_module(module: str, args: list[str], ctx: Context, label: str) -> dict:
    """Run `python -m module ...` with the context; its JSON result, or an error record."""
    ctx_path = ctx.work / f"{label}.ctx.json"
    out_path = ctx.work / f"{label}.out.json"
    write_context(ctx, ctx_path)
    started = time.monotonic()
    print(f"[bench] {label} ...", flush=True)
    try:
        done = subprocess.run([sys.executable, "-m", module, *args, "--ctx", str(ctx_path), "--out", str(out_path)],
                              cwd=PROJECT_ROOT, env=child_env(), capture_output=True, text=True,
                              timeout=GROUP_TIMEOUT, check=False)
        failed = done.returncode != 0 or not out_path.exists()
        tail = (done.stderr or "")[-3000:]
    except subprocess.TimeoutExpired:
        failed, tail = True, f"timed out after {GROUP_TIMEOUT} s"
    seconds = round(time.monotonic() - started, 1)
    if failed:
        print(f"[bench] {label} FAILED after {seconds} s:\n{tail}", flush=True)
        return {"error": tail.strip().splitlines()[-1] if tail.strip() else "failed", "log_tail": tail,
                "group_seconds": seconds, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    result = json.loads(out_path.read_text(encoding="utf-8"))
    result["group_seconds"] = seconds
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"[bench] {label} done in {seconds} s (load average {load_average()})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run kepu's benchmarks and write bench/results.{json,md}.")
    parser.add_argument("--only", default="", help=f"comma-separated groups: {','.join(GROUPS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes and counts (smoke run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    parser.add_argument("--reuse-base", type=Path, default=None,
                        help="a base data dir kept (--keep) from an earlier run: skip building it again")
    parser.add_argument("--report-only", action="store_true",
                        help="only render bench/results.md (and README) from the existing results.json")
    args = parser.parse_args(argv)
    results_path = BENCH_DIR / "results.json"
    if args.report_only:
        results = json.loads(results_path.read_text(encoding="utf-8"))
        print(write_reports(results, BENCH_DIR / "results.md", None if args.no_readme else PROJECT_ROOT / "README.md"))
        return 0
    selected = [g.strip() for g in args.only.split(",") if g.strip()] or list(GROUPS)
    unknown = [g for g in selected if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {unknown}; choose from {list(GROUPS)}")

    work = Path(tempfile.mkdtemp(prefix="kepu-bench-"))
    base = args.reuse_base.resolve() if args.reuse_base else work / "base"
    ctx = Context(work_dir=str(work), base_dir=str(base), quick=args.quick)
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() and args.only else {}
    results["machine"] = machine()
    results["run"] = {"quick": args.quick, "groups": selected, "started": results["machine"]["date"]}
    started = time.monotonic()
    failures = 0
    try:
        if any(GROUPS[g][2] for g in selected) and not args.reuse_base:
            results["indexing"] = run_module("bench.workspace", ["prepare"], ctx, "prepare")
            if "error" in results["indexing"]:
                print("[bench] the base data could not be built; groups that need it are skipped", flush=True)
                selected = [g for g in selected if not GROUPS[g][2]]
                failures += 1
        for group in selected:
            module, key, _ = GROUPS[group]
            results[key] = run_module(module, [], ctx, group)
            failures += "error" in results[key]
    finally:
        if args.keep:
            print(f"[bench] data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["run"]["seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_end"] = load_average()
    results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = write_reports(results, BENCH_DIR / "results.md", None if args.no_readme else PROJECT_ROOT / "README.md")
    print(table)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
