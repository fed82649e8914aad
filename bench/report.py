"""The Markdown report of bench/results.json: one table of figures against the issues' targets, one
of answer quality; also copied into README.md between the bench markers."""

from __future__ import annotations

import re
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
README_SECTION = "## Benchmarks"


def _get(data: dict, path: str):
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _ms(summary: dict | None) -> str:
    if not summary or summary.get("p50_ms") is None:
        return "–"
    return f"{summary['p50_ms']:.1f} / {summary['p95_ms']:.1f} / {summary['p99_ms']:.1f} ms"


def _load(value) -> str:
    return f"{value[0]:.1f}" if isinstance(value, list) and value else "–"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def _under(summary: dict | None, p50: float, p99: float) -> bool | None:
    if not summary or summary.get("p50_ms") is None:
        return None
    return summary["p50_ms"] < p50 and summary["p99_ms"] < p99


class _Table:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def add(self, issue: str, figure: str, value: str, target: str = "", ok: bool | None = None,
            load=None) -> None:
        self.rows.append(f"| {issue} | {figure} | {value} | {target or '–'} | {_met(ok)} | {_load(load)} |")

    def error(self, issue: str, group: str, result: dict) -> None:
        self.add(issue, f"{group}: not measured", f"error: {result.get('error', '?')[:80]}")


def _ingest(t: _Table, r: dict) -> None:
    shipped, synth, cli = r.get("shipped_plan", {}), r.get("synthetic", {}), r.get("cli", {})
    first, median = shipped.get("first_run_seconds"), shipped.get("median_seconds")
    if first is not None:
        t.add("2", "Shipped plan: parse + store write in-process (first run; median)",
              f"{first:.2f} s; {median:.2f} s", "< 1 s", first < 1.0, shipped.get("load_average"))
    if cli.get("median_seconds") is not None:
        t.add("2", "Shipped plan: `kepu ingest plan` wall time (incl. interpreter start-up)",
              f"{cli['median_seconds']:.2f} s", "", None, cli.get("load_average"))
    if synth.get("total_seconds") is not None:
        done, planned = synth.get("plans_done", synth["plans"]), synth["plans"]
        capped = f", stopped after {done} of {planned}" if done < planned else ""
        full = planned >= 100
        t.add("2", f"{planned} synthetic plans into one store (per plan first → last)",
              f"{synth['total_seconds']:.1f} s{capped} ({synth['first_plan_seconds']:.2f} → "
              f"{synth['last_plan_seconds']:.2f} s)", "< 30 s" if full else "",
              (synth["total_seconds"] < 30 and done == planned) if full else None, synth.get("load_average"))
    for key, label in (("measure_units_1_plan", "1 plan"), ("measure_units_101_plans", f"{synth.get('plans_in_store')} plans")):
        summary = synth.get(key)
        if summary:
            t.add("2", f"SPARQL `measure_units` p50/p95/p99 ({label})", _ms(summary), "p50 < 2 ms",
                  summary["p50_ms"] < 2.0, summary.get("load_average"))


def _ask(t: _Table, r: dict) -> None:
    start = r.get("startup", {})
    t.add("3", f"Answer in-process, uncached first pass ({r.get('questions')} questions) p50/p95/p99",
          _ms(r.get("uncached")), "p50 < 20, p99 < 60 ms", _under(r.get("uncached"), 20, 60),
          _get(r, "uncached.load_average"))
    t.add("3", "Answer in-process, repeated pass p50/p95/p99", _ms(r.get("repeated")), "p50 < 20, p99 < 60 ms",
          _under(r.get("repeated"), 20, 60), _get(r, "repeated.load_average"))
    if start:
        t.add("3", "Start-up: model load; policy QA build (graph + index); rumour index load",
              f"{start['model_load_seconds']:.1f} s; {start['policy_build_seconds']:.1f} s; "
              f"{start['rumor_index_load_seconds']:.1f} s", "", None, start.get("load_average"))


def _rumor(t: _Table, r: dict, indexing: dict | None) -> None:
    if indexing and "entries_per_second" in indexing:
        t.add("4", f"Indexing throughput, shipped material ({indexing['embedded']} entries embedded)",
              f"{indexing['entries_per_second']:.1f} passages/s ({indexing['build_seconds']:.0f} s)", "", None,
              indexing.get("load_average"))
    for size in r.get("sizes", []):
        n = f"{size['entries']:,} passages"
        if size.get("build"):
            build = size["build"]
            t.add("4", f"Re-index to {n} (vectors reused, {build['embedded']} embedded)",
                  f"{build['seconds']:.1f} s ({build['entries_per_second']:.0f} passages/s)", "", None,
                  build.get("load_average"))
        for key, label in (("check", "Rumour check"), ("search", "Material search")):
            summary = size.get(key)
            t.add("4", f"{label} at {n}, uncached p50/p95/p99", _ms(summary), "p50 < 25, p99 < 60 ms",
                  _under(summary, 25, 60), (summary or {}).get("load_average"))
        t.add("4", f"RSS at {n} (model + index loaded, after the queries)", f"{size.get('rss_mb')} MB", "", None,
              size.get("load_average"))
    for engine, probe in (r.get("query_engines") or {}).items():
        label = f"{engine} (default)" if engine == "onnx-int8" else engine
        t.add("4", f"Query embedding alone, uncached, engine {label} p50/p95/p99", _ms(probe), "", None,
              probe.get("load_average"))


def _wechat(t: _Table, r: dict) -> None:
    within = r.get("within_budget_share")
    t.add("5", f"/wechat, {r.get('concurrency')} clients, {r.get('requests')} signed encrypted messages p50/p95/p99",
          _ms(r), "all < 4.5 s", None if within is None else within == 1.0 and not r.get("errors"), r.get("load_average"))
    if within is not None:
        t.add("5", "/wechat replies within the 4.5 s budget; answered; errors",
              f"{within:.1%}; {r.get('answered')}; {r.get('errors')}", "100 %", within == 1.0, r.get("load_average"))


def _bolt(t: _Table, r: dict) -> None:
    sync = r.get("sync", {})
    if sync.get("shipped_seconds") is not None:
        t.add("6", "Sync shipped plan to Bolt (in-process; `kepu graph sync` wall)",
              f"{sync['shipped_seconds']:.2f} s; {sync.get('cli_seconds', 0):.2f} s", "", None, sync.get("load_average"))
    if sync.get("synthetic_seconds") is not None:
        t.add("6", f"Sync {sync['synthetic_plans']} synthetic plans to Bolt", f"{sync['synthetic_seconds']:.1f} s",
              "", None, sync.get("load_average"))
    for store in ("embedded", "bolt"):
        ask = r.get(f"ask_{store}")
        if ask and "uncached" in ask:
            t.add("6", f"Answer in-process with the {store} store, uncached / repeated p50/p95/p99",
                  f"{_ms(ask['uncached'])}; {_ms(ask['repeated'])}", "p50 < 20, p99 < 60 ms",
                  _under(ask["uncached"], 20, 60), _get(ask, "uncached.load_average"))


def _load_row(t: _Table, r: dict) -> None:
    t.add("7", f"Load: {r.get('requests'):,} mixed requests, {r.get('concurrency')} clients p50/p95/p99",
          _ms(r), "p99 < 300 ms", None if r.get("p99_ms") is None else r["p99_ms"] < 300, r.get("load_average"))
    t.add("7", "Load: requests/s; 5xx; other errors", f"{r.get('rps')}; {r.get('errors_5xx')}; {r.get('errors_other')}",
          "0 × 5xx", r.get("errors_5xx") == 0, r.get("load_average"))
    for kind, summary in (r.get("by_kind") or {}).items():
        t.add("7", f"Load: {kind} requests ({summary['n']:,}) p50/p95/p99", _ms(summary), "", None, r.get("load_average"))
    if r.get("wechat_late") is not None:
        t.add("7", "Load: WeChat messages answered only with the “too slow” note at the 4.5 s budget",
              f"{r['wechat_late']} of {(r.get('by_kind') or {}).get('wechat', {}).get('n', '?')}", "0",
              r["wechat_late"] == 0, r.get("load_average"))
    _cold_rows(t, r)


def _cold_rows(t: _Table, r: dict) -> None:
    """Issue 15: the cold mix (unseen texts) closed and open loop, and the bound of the cores."""
    cold, open_loop, bound = r.get("cold"), r.get("open_loop"), r.get("bound") or {}
    if cold:
        share = f"{cold.get('fresh_share', 0):.0%}"
        t.add("15", f"Load, cold mix ({share} unseen): {cold['requests']:,} requests, {r.get('concurrency')} clients "
              "p50/p95/p99; requests/s; 5xx", f"{_ms(cold)}; {cold['rps']}; {cold['errors_5xx']}",
              "≥ 240 requests/s (1.5 × 160)", cold["rps"] >= 240 and cold["errors_5xx"] == 0, cold.get("load_average"))
    if open_loop:
        t.add("15", f"Load, cold mix open loop ({open_loop['rate']:.0f} requests/s for {open_loop['seconds']:.0f} s) "
              "p50/p95/p99; 5xx", f"{_ms(open_loop)}; {open_loop['errors_5xx']}", "p99 < 300 ms, 0 × 5xx",
              open_loop["p99_ms"] < 300 and open_loop["errors_5xx"] == 0, open_loop.get("load_average"))
    if bound.get("unseen_texts_per_second"):
        t.add("15", f"Bound: server CPU per request warm / cold / unseen text; unseen texts/s on {bound['cores']} cores",
              f"{bound['cpu_ms_per_warm']} / {bound['cpu_ms_per_cold']} / {bound['cpu_ms_per_unseen']} ms; "
              f"{bound['unseen_texts_per_second']}", "", None, (cold or {}).get("load_average"))


def _plan_pages(t: _Table, r: dict) -> None:
    long_pdf, scan = r.get("long_pdf", {}), r.get("scan", {})
    if long_pdf.get("median_seconds") is not None:
        t.add("13", f"{long_pdf['pages']}-page text-layer PDF plan parsed ({long_pdf['measures']} measures; median)",
              f"{long_pdf['median_seconds']:.2f} s", "< 2 s", long_pdf["median_seconds"] < 2.0,
              long_pdf.get("load_average"))
    if scan.get("seconds_per_page") is not None:
        t.add("13", f"Image-only {scan['pages']}-page PDF through OCR (confidence {scan['confidence']:.1%}; "
              f"{scan['measures_exact']}/{scan['measures']} measures with exact units)",
              f"{scan['seconds_per_page']:.1f} s/page ({scan['seconds']:.0f} s)", "", None, scan.get("load_average"))

def _graph_query(t: _Table, r: dict) -> None:
    a = r.get("answer", {})
    t.add("14", f"Graph questions answered in-process ({a.get('n')}, {a.get('answered_as_graph_query')} as queries) "
          "p50/p95/p99", _ms(a), "p50 < 20, p99 < 60 ms", _under(a, 20, 60), a.get("load_average"))
    for store in ("embedded", "bolt"):
        x = r.get(store) or {}
        for scope in ("one_plan", "all_plans"):
            s = x.get(scope)
            if s:
                t.add("14", f"Query alone, {store}, {x.get('plans_in_store')} plans in store, {scope.replace('_', ' ')} "
                      "p50/p95/p99", _ms(s), "< 5 ms", None if s.get("p99_ms") is None else s["p99_ms"] < 5,
                      s.get("load_average"))


def _team(t: _Table, r: dict) -> None:
    speed = r.get("grouping_speed") or {}
    if speed:
        t.add("16", f"Queue grouping: {speed['messages']:,} unanswered messages ({speed['distinct_texts']} wordings; "
              "vectors from recording time)", f"{speed['seconds']} s ({speed['groups']} groups)", "< 30 s",
              speed["seconds"] < 30, r.get("load_average"))
    for name, q in (r.get("grouping_quality") or {}).items():
        c = q["chosen"]
        t.add("16", f"Queue grouping quality, rumour {name} ({c['messages']} msgs, {c['materials']} materials, "
              f"cosine {c['similarity']}; {'tuned' if name == 'set1' else 'held out'}): pairwise P / R / F1",
              f"{c['precision']} / {c['recall']} / {c['f1']}", "", None, r.get("load_average"))
    d = r.get("dashboard") or {}
    if d:
        t.add("16", f"Dashboard /team, {d['questions']:,} logged questions: page (p50 / max); page + its 5 SVG charts",
              f"{d['page_uncached_ms']['p50']} / {d['page_uncached_ms']['max']} ms; {d['page_and_charts_ms']['p50']} ms",
              "< 300 ms", d["page_uncached_ms"]["p50"] < 300, r.get("load_average"))
    a = r.get("answering") or {}
    if a:
        off = [x["p99_ms"] for x in a["runs"] if x["log"] == "off"]
        on = [x["p99_ms"] for x in a["runs"] if x["log"] == "on"]
        t.add("16", f"Answering p99 under load, answer log off vs on ({a['requests_per_run']:,} requests per run, "
              "2 runs each)", f"{' / '.join(map(str, off))} vs {' / '.join(map(str, on))} ms", "unchanged within noise",
              None, a["runs"][-1].get("load_average"))


def figures_table(results: dict) -> str:
    t = _Table()
    sections = (("2", "ingest", _ingest), ("3", "ask", _ask), ("5", "wechat", _wechat), ("6", "bolt", _bolt),
                ("7", "load", _load_row), ("14", "graph_query", _graph_query))
    for issue, key, func in sections[:2]:
        if key in results:
            (t.error(issue, key, results[key]) if "error" in results[key] else func(t, results[key]))
    if "rumor_check" in results:
        r = results["rumor_check"]
        t.error("4", "rumor", r) if "error" in r else _rumor(t, r, results.get("indexing"))
    for issue, key, func in sections[2:]:
        if key in results:
            (t.error(issue, key, results[key]) if "error" in results[key] else func(t, results[key]))
    if "plan_pages" in results:
        r = results["plan_pages"]
        t.error("13", "plans", r) if "error" in r else _plan_pages(t, r)
    if "team" in results:
        (t.error("16", "team", results["team"]) if "error" in results["team"] else _team(t, results["team"]))
    head = ["| Issue | Figure | Measured | Target | Met | Load avg (1 min) |", "|---|---|---|---|---|---|"]
    return "\n".join(head + t.rows)


def quality_table(results: dict) -> str:
    rows = ["| Set | Measure | Result |", "|---|---|---|"]
    for name, q in (_get(results, "ask.quality") or {}).items():
        types = ", ".join(f"{k} {v:.0%}" for k, v in q["by_type"].items())
        rows.append(f"| {name} ({q['n']} q) | policy answer accuracy (per type) | {q['accuracy']:.1%} ({types}) |")
    for name, modes in (_get(results, "rumor_check.quality") or {}).items():
        for mode, m in modes.items():
            abst = "–" if m.get("uncovered_abstained") is None else f"{m['uncovered_abstained']:.1%}"
            rows.append(f"| {name} ({m['covered']}+{m['uncovered']} q) | rumour {mode}: Recall@3 / MRR / "
                        f"uncovered abstained | {m['recall@3']:.3f} / {m['mrr']:.3f} / {abst} |")
    return "\n".join(rows) if len(rows) > 2 else ""


def markdown(results: dict) -> str:
    m = results.get("machine", {})
    run = results.get("run", {})
    lines = [
        f"Measured {m.get('date', '?')} on {m.get('cpu', '?')}, {m.get('usable_cores', '?')} cores, "
        f"{m.get('memory_gb', '?')} GB, Python {m.get('python', '?')}; load average at start "
        f"{_load(m.get('load_average'))}, at end {_load(m.get('load_average_end'))}"
        f"{' (quick run: smaller sizes)' if run.get('quick') else ''}. Latencies are median / p95 / p99. "
        "Load average is the 1-minute figure when the row was measured; above 2 the machine was shared.",
        "",
        figures_table(results),
    ]
    quality = quality_table(results)
    if quality:
        lines += ["", quality]
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    body = f"{START}\n{block}{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: body, text, flags=re.S)
    else:
        section = (f"\n{README_SECTION}\n`make bench` runs every benchmark (`python -m bench.run --only ask,load` "
                   "for some, `--quick` for a smoke run) and writes `bench/results.json` and `bench/results.md`; "
                   "the table below is copied from the last run.\n\n")
        text = text.rstrip("\n") + "\n" + section + body + "\n"
    tmp = readme.with_name(readme.name + ".bench-tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(readme)


def write_reports(results: dict, md_path: Path, readme: Path | None) -> str:
    text = markdown(results)
    md_path.write_text("# Benchmark results\n\n" + text, encoding="utf-8")
    if readme is not None:
        update_readme(readme, text)
    return text
