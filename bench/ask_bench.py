"""Issue 3: in-process answer latency of the chat service, start-up costs, and answer quality.

A fresh process loads the model, builds the policy QA and the rumour checker (each timed), then
answers the question mix (dev_questions.jsonl + tests/data/policy_questions.jsonl, follow-ups in
their sessions) twice: the first pass is uncached (each query embedding computed), the second
repeats it. Targets: median < 20 ms, p99 < 60 ms, query embedding included. Quality: the
`kepu eval questions` scoring (qa_service/evaluation/policy_eval.py), per question type.

With ctx.options {"graph_uri", "graph_user", "graph_password", "graph_database"} the policy side
reads its plans from that Bolt server instead (bench/bolt_bench.py uses this).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from bench.stats import latency_summary, load_average, peak_rss_mb, rss_mb, stopwatch
from bench.workspace import PROJECT_ROOT, Context, group_main, settings_for

DEV_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl"  # copy of ../shared/questions
POLICY_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "policy_questions.jsonl"
GRAPH_OPTIONS = ("graph_uri", "graph_user", "graph_password", "graph_database")


def question_files() -> list[Path]:
    return [p for p in (DEV_QUESTIONS, POLICY_QUESTIONS) if p.is_file()]


def question_mix(files: list[Path]) -> list[tuple[str, str | None]]:
    """(question, session) in asking order; follow-up turns share a session; duplicates dropped."""
    seen: set[str] = set()
    mix: list[tuple[str, str | None]] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("type") == "followup":
                session = f"bench-{uuid.uuid4().hex[:12]}"
                mix += [(turn["q"] if isinstance(turn, dict) else turn, session) for turn in item["turns"]]
            elif item.get("q") and item["q"] not in seen:
                seen.add(item["q"])
                mix.append((item["q"], None))
    return mix


def build_chat(settings) -> tuple[object, dict]:
    """The chat service as the server builds it, with each start-up step timed."""
    from graph.encoder.factory import get_encoder
    from qa_service.chat.sessions import InMemorySessionStore
    from qa_service.services import build_services

    with stopwatch() as model:
        encoder = get_encoder(settings)
    with stopwatch() as services_time:  # policy (graph read + index), then the rumour index, as the server
        services = build_services(settings, encoder=encoder, sessions=InMemorySessionStore())
    policy = services.policy
    policy_seconds = policy.stats["load_seconds"] + policy.stats["build_seconds"]
    rumor_time = {"seconds": round(max(0.0, services_time["seconds"] - policy_seconds), 3)}
    startup = {
        "model_load_seconds": model["seconds"],
        "policy_build_seconds": round(policy_seconds, 3),  # graph read + policy index (measure embeddings)
        "policy_index_seconds": policy.stats.get("build_seconds"),
        "rumor_index_load_seconds": rumor_time["seconds"],
        "measures": len(policy.index.measures),
        "plans": len(policy.index.plans),
        "mode": policy.answerer.mode,
        "rss_mb_after_startup": rss_mb(),
        "load_average": load_average(),
    }
    return services.chat, startup


def timed_pass(chat, mix: list[tuple[str, str | None]]) -> tuple[dict, dict]:
    import time

    seconds, intents = [], {}
    for question, session in mix:
        started = time.perf_counter()
        response = chat.answer(question, session)
        seconds.append(time.perf_counter() - started)
        intents[response["intent"]] = intents.get(response["intent"], 0) + 1
    return {**latency_summary(seconds), "load_average": load_average()}, intents


def quality(chat, files: list[Path]) -> dict:
    from qa_service.evaluation.policy_eval import evaluate, load_questions

    out = {}
    for path in files:
        questions = load_questions(path)
        splits = {"all": questions}
        for name in sorted({q.get("split") for q in questions if q.get("split")}):
            splits[name] = [q for q in questions if q.get("split") == name]
        for name, subset in splits.items():
            report = evaluate(chat, subset)
            key = path.stem if name == "all" else f"{path.stem}[{name}]"
            out[key] = {
                "n": report["n"], "accuracy": report["accuracy"],
                "by_type": {k: v["accuracy"] for k, v in report["by_type"].items()},
                "by_type_n": {k: v["n"] for k, v in report["by_type"].items()},
                "oos_abstained": report["oos_abstained"],
                "answerable_abstained": report["answerable_abstained"],
            }
    return out


def run(ctx: Context) -> dict:
    options = {k: v for k, v in ctx.options.items() if k in GRAPH_OPTIONS}
    data_dir = ctx.copy_base(f"ask-data-{'bolt' if options else 'embedded'}")
    settings = settings_for(data_dir, **options)
    chat, startup = build_chat(settings)
    files = question_files()
    mix = question_mix(files)
    if ctx.quick:
        mix = mix[:60]
    first, intents = timed_pass(chat, mix)
    repeated, _ = timed_pass(chat, mix)
    result = {
        "store": "bolt" if options else "embedded",
        "questions": len(mix),
        "question_files": [str(p) for p in files],
        "p50_ms": first["p50_ms"], "p95_ms": first["p95_ms"], "p99_ms": first["p99_ms"],
        "uncached": first,
        "repeated": repeated,
        "intents": intents,
        "encoder_cache": chat.policy.encoder.cache_info() if chat.policy.encoder is not None else None,
        "startup": startup,
    }
    if not ctx.options.get("latency_only"):
        result["quality"] = quality(chat, files)
    result["rss_mb"] = rss_mb()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


if __name__ == "__main__":
    group_main(run)
