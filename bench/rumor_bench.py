"""Issue 4: material indexing, rumour check and search latency at two corpus sizes, memory, quality.

- Indexing throughput of the real encoder is measured when the base data is built (bench/workspace.py).
- Corpora of about 1,000 and 20,000 index entries ("passages": titles, claims, summaries and body
  passages) are the shipped material plus synthetic files (bench/synth.py); each is indexed with
  `build_index` on a copy of the base index, so known texts keep their vectors and new ones are
  embedded by the real encoder.
- Latency and memory at each size come from a fresh process per size, whose encoder has no query
  cache, so every check and search embeds its query (the uncached case). Targets: median < 25 ms,
  p99 < 60 ms.
- Quality: Recall@3, MRR and uncovered abstention of the fused ranking next to BM25 alone and
  embeddings alone (qa_service/evaluation/rumor_eval.py), on the shipped material.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.stats import latency_summary, load_average, peak_rss_mb, rss_mb, stopwatch
from bench.workspace import PROJECT_ROOT, SHIPPED_MATERIALS, Context, child_env, group_main, settings_for

SIZES = (1_000, 20_000)
QUICK_SIZES = (1_000, 3_000)


def latency_queries(limit: int | None) -> list[str]:
    from qa_service.evaluation.rumor_eval import load_queries, query_sets

    files = [p for paths in query_sets().values() for p in paths]
    texts = list(dict.fromkeys(q.q for q in load_queries(files)))
    return texts[:limit] if limit else texts


# --- quality (shipped material) -------------------------------------------------------------------

def quality(ctx: Context, encoder) -> dict:
    from qa_service.evaluation.rumor_eval import evaluate_modes, load_queries, query_sets
    from qa_service.rumors.check import load_rumor_checker

    settings = settings_for(ctx.copy_base("rumor-quality"))
    checker = load_rumor_checker(settings, encoder=encoder)
    out = {}
    for name, files in query_sets().items():
        queries = load_queries(files)
        modes = evaluate_modes(checker, queries[::4] if ctx.quick else queries)
        out[name] = {"fused" if mode == "hybrid" else mode: m for mode, m in modes.items()}
    return out


# --- one corpus size ------------------------------------------------------------------------------

def build_size(ctx: Context, target: int, encoder) -> tuple[Path, dict]:
    from bench.synth import write_material_corpus
    from ingest.corpus_indexer import build_index

    corpus = ctx.scratch(f"materials-{target}")
    made = write_material_corpus(SHIPPED_MATERIALS, corpus, target)
    data_dir = ctx.copy_base(f"rumor-{target}")
    load = load_average()
    with stopwatch() as build:
        report = build_index(settings_for(data_dir), encoder, corpus)
    return data_dir, {
        **made, "entries": report.entries, "materials": report.materials, "embedded": report.embedded,
        "reused": report.reused, "seconds": build["seconds"],
        "entries_per_second": round(report.entries / build["seconds"], 1) if build["seconds"] else None,
        "load_average_before": load, "load_average": load_average(),
    }


def measure(ctx: Context) -> dict:
    """In a fresh process: load model and index, then time every query once through check and search."""
    from graph.encoder.sentence import Encoder
    from graph.search.passage_index import IndexHandle
    from qa_service.rumors.check import load_rumor_checker
    from qa_service.rumors.search import MaterialSearch

    data_dir = Path(ctx.options["measure_dir"])
    settings = settings_for(data_dir)
    rss_start = rss_mb()
    with stopwatch() as startup:
        encoder = Encoder(settings.model_dir, cache_size=0)  # no query cache: every query is embedded
        checker = load_rumor_checker(settings, encoder=encoder, handle=IndexHandle(settings.index_dir))
        checker.warm()
        search = MaterialSearch(checker)
    rss_loaded = rss_mb()
    queries = latency_queries(ctx.options.get("queries"))
    out = {"entries": len(checker.index()), "materials": len(checker.index().materials), "queries": len(queries),
           "startup_seconds": startup["seconds"], "rss_mb_empty": rss_start, "rss_mb_loaded": rss_loaded}
    for key, func in (("check", checker.check), ("search", lambda q: search.search(q[:200]))):
        seconds, matched = [], 0
        for query in queries:
            started = time.perf_counter()
            result = func(query)
            seconds.append(time.perf_counter() - started)
            matched += bool(getattr(result, "matched", False) or getattr(result, "total", 0))
        out[key] = {**latency_summary(seconds), "answered": matched, "load_average": load_average()}
    out.update(rss_mb=rss_mb(), peak_rss_mb=peak_rss_mb(), load_average=load_average())
    return out


def probe_encoder(ctx: Context) -> dict:
    """Single-query embedding latency of the production encoder, nothing else (see run())."""
    from graph.encoder.sentence import Encoder

    encoder = Encoder(settings_for(ctx.base).model_dir, cache_size=0, engine=ctx.options.get("engine", "onnx-int8"))
    queries = latency_queries(ctx.options.get("queries"))
    encoder.encode_query("热身")
    seconds = []
    for query in queries:
        started = time.perf_counter()
        encoder.encode_query(query)
        seconds.append(time.perf_counter() - started)
    return {**latency_summary(seconds), "engine": encoder.engine,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(default)"), "load_average": load_average()}


def _subprocess(ctx: Context, label: str, options: dict, env: dict[str, str] | None = None) -> dict:
    sub = Context(ctx.work_dir, ctx.base_dir, ctx.quick, options)
    ctx_path, out_path = ctx.work / f"{label}.ctx.json", ctx.work / f"{label}.out.json"
    ctx_path.write_text(json.dumps(asdict(sub)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bench.rumor_bench", "--ctx", str(ctx_path), "--out", str(out_path)],
                          cwd=PROJECT_ROOT, env=child_env(None, env), capture_output=True, text=True, timeout=1800,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{done.stderr[-3000:]}")
    return json.loads(out_path.read_text(encoding="utf-8"))


def query_engines(ctx: Context) -> dict:
    """Query embedding alone, uncached, on each engine KEPU_QUERY_ENGINE offers (a fresh process each)."""
    from graph.encoder.sentence import ENGINES

    return {engine: _subprocess(ctx, f"encoder-{engine}", {"encoder_probe": True, "queries": 120, "engine": engine})
            for engine in ENGINES}


def run(ctx: Context) -> dict:
    if "measure_dir" in ctx.options:
        return measure(ctx)
    if ctx.options.get("encoder_probe"):
        return probe_encoder(ctx)
    from graph.encoder.factory import get_encoder

    settings = settings_for(ctx.base)
    encoder = get_encoder(settings)
    sizes = []
    for target in QUICK_SIZES if ctx.quick else SIZES:
        data_dir, build = build_size(ctx, target, encoder)
        options = {"measure_dir": str(data_dir), "queries": 120 if ctx.quick else 300}
        sizes.append({"target": target, **_subprocess(ctx, f"rumor-measure-{target}", options), "build": build})
    first = sizes[0]
    return {
        "p50_ms": first["check"]["p50_ms"], "p95_ms": first["check"]["p95_ms"], "p99_ms": first["check"]["p99_ms"],
        "size_for_headline": first["entries"],
        "sizes": sizes,
        "quality": quality(ctx, encoder),
        "query_engines": query_engines(ctx),
        "load_average": load_average(),
    }


if __name__ == "__main__":
    group_main(run)
