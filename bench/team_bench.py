"""The science team's figures: queue grouping quality and speed, dashboard speed.

    python -m bench.team_bench --ctx CTX.json --out OUT.json      (bench/run.py runs it)
    python -m bench.team_bench --quality                           grouping quality only, printed

Grouping quality: the covered questions of the rumour query sets (not written by this module's
author) as queue messages; two messages answered by the same material should share a group,
others not (pairwise precision / recall / F1). The threshold was picked on set 1; set 2 is held
out. Speed: 10,000 messages drawn from those questions, vectors computed at recording time as
the answer log does, grouped into an SQLite queue; the dashboard page with 100,000 logged
questions.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from graph.db import close_all, open_database
from graph.db.schema import queue_groups, queue_messages
from graph.settings import Settings
from qa_service.team.grouping import SIMILARITY, group_all, to_blob

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"set1": DATA / "rumor_queries_set1.jsonl", "set2": DATA / "rumor_queries_set2.jsonl"}


def _covered(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["q"], r["expect"]) for r in rows if r.get("expect")]


def _encoder():
    from graph.encoder.factory import get_encoder

    return get_encoder(Settings.from_env())


def _fresh_db(work: Path):
    close_all()
    return open_database(Settings(data_dir=work))


def grouping_quality(
    rows: list[tuple[str, str]], vectors: np.ndarray, similarity: float, seed: int = 7
) -> dict:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="kepu-qgroup-") as work:
        database = _fresh_db(Path(work))
        with database.begin() as c:
            c.execute(
                insert(queue_messages),
                [
                    {
                        "question_id": f"{i:032d}",
                        "at": float(n),
                        "channel": "wechat",
                        "asker": f"u{i}",
                        "text": rows[i][0],
                        "vector": to_blob(vectors[i]),
                    }
                    for n, i in enumerate(order)
                ],
            )
        group_all(database, lambda texts: np.zeros((len(texts), vectors.shape[1]), np.float32), similarity)
        with database.read() as c:
            assigned = {
                int(q): g
                for q, g in c.execute(
                    queue_messages.select().with_only_columns(
                        queue_messages.c.question_id, queue_messages.c.group_id
                    )
                )
            }
            groups = c.execute(queue_groups.select()).fetchall()
        close_all()
    tp = fp = fn = 0
    for a, b in combinations(range(len(rows)), 2):
        same_truth = rows[a][1] == rows[b][1]
        same_group = assigned[a] == assigned[b]
        tp += same_truth and same_group
        fp += same_group and not same_truth
        fn += same_truth and not same_group
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "similarity": similarity,
        "messages": len(rows),
        "materials": len({r[1] for r in rows}),
        "groups": len(groups),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def quality(encoder, thresholds=(0.85, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93)) -> dict:
    out = {}
    for name, path in SETS.items():
        rows = _covered(path)
        vectors = np.atleast_2d(encoder.encode_queries([q for q, _ in rows])).astype(np.float32)
        out[name] = {
            "sweep": [grouping_quality(rows, vectors, t) for t in thresholds],
            "chosen": grouping_quality(rows, vectors, SIMILARITY),
        }
    return out


def grouping_speed(encoder, count: int = 10_000) -> dict:
    texts = [q for path in SETS.values() for q, _ in _covered(path)]
    texts += [
        json.loads(line)["q"]
        for p in sorted(DATA.glob("rumor_uncovered_set*.jsonl"))
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(11)
    started = time.perf_counter()
    vectors = {t: v for t, v in zip(texts, np.atleast_2d(encoder.encode_queries(texts)), strict=True)}
    embed_seconds = time.perf_counter() - started
    chosen = [rng.choice(texts) for _ in range(count)]
    with tempfile.TemporaryDirectory(prefix="kepu-qspeed-") as work:
        database = _fresh_db(Path(work))
        now = time.time()
        with database.begin() as c:
            c.execute(
                insert(queue_messages),
                [
                    {
                        "question_id": f"{i:032d}",
                        "at": now - (count - i),
                        "channel": "wechat",
                        "asker": f"u{rng.randrange(3000)}",
                        "text": t,
                        "vector": to_blob(vectors[t]),
                    }
                    for i, t in enumerate(chosen)
                ],
            )
        grouped, seconds = group_all(database, encoder.encode_queries)
        with database.read() as c:
            groups = c.execute(queue_groups.select()).fetchall()
        close_all()
    return {
        "messages": grouped,
        "distinct_texts": len(set(chosen)),
        "groups": len(groups),
        "seconds": round(seconds, 2),
        "embed_distinct_seconds": round(embed_seconds, 2),
        "embed_per_text_ms": round(1000 * embed_seconds / len(texts), 2),
    }


LOAD_REQUESTS = 8_000
LOAD_QUICK = 800


def answering_with_and_without_log(ctx) -> dict:
    """The load benchmark's mix on `kepu serve`, with the answer log (queue and rating writes) off
    and on, twice each in alternating order: the p99 should not move beyond the runs' own spread."""
    from bench.load_bench import CONCURRENCY, _texts
    from bench.load_client import WeChatConfig, run_load
    from bench.server_run import kepu_server
    from bench.stats import load_average

    texts = _texts()
    requests = LOAD_QUICK if ctx.quick else LOAD_REQUESTS
    runs = []
    for label in ("off", "on", "off", "on"):
        with kepu_server(ctx, f"team-load-{label}-{len(runs)}", env={"KEPU_ANSWER_LOG": "0" if label == "off" else "1"}) as server:
            wechat = WeChatConfig(server.token, server.appid, server.aes_key)
            run_load(server.url, 64, 8, texts, wechat=wechat)
            result = run_load(server.url, requests, CONCURRENCY, texts, wechat=wechat, max_seconds=600)
            runs.append({"log": label, "p50_ms": result.get("p50_ms"), "p99_ms": result.get("p99_ms"),
                         "rps": result.get("rps"), "errors_5xx": result.get("errors_5xx"),
                         "load_average": load_average()})
    return {"requests_per_run": requests, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ctx", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args(argv)
    encoder = _encoder()
    if args.quality:
        print(json.dumps(quality(encoder), ensure_ascii=False, indent=1))
        return 0
    result = {"grouping_quality": quality(encoder), "grouping_speed": grouping_speed(encoder)}
    from bench.team_dashboard_bench import dashboard_speed

    result["dashboard"] = dashboard_speed()
    if args.ctx:
        import os

        from bench.workspace import CHILD_ENV, Context

        os.environ.update(CHILD_ENV)
        ctx = Context(**json.loads(args.ctx.read_text(encoding="utf-8")))
        result["answering"] = answering_with_and_without_log(ctx)
    from bench.stats import load_average

    result["load_average"] = load_average()
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
