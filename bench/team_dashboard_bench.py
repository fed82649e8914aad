"""Dashboard speed: the team page and its five charts with 100,000 logged questions (60 days),
10,000 queue messages in 1,000 groups and 2,000 ratings, on SQLite in a temporary data dir.

    python -m bench.team_dashboard_bench        prints the figures
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from graph.db import close_all, open_database
from graph.db.schema import feedback, questions, queue_groups, queue_messages
from graph.settings import Settings
from qa_service.routers import team
from qa_service.services import build_services
from qa_service.team import dashboard
from qa_service.team.charts import CHARTS
from qa_service.team.grouping import to_blob

TOKEN = "bench-token"


def _fill(database, count: int, rng: random.Random, now: float) -> None:
    outcomes = ["answered"] * 6 + ["suggested"] * 2 + ["abstained"] * 2
    rows = []
    for i in range(count):
        outcome = rng.choice(outcomes)
        rumor = rng.random() < 0.5
        rows.append(
            {
                "id": f"{i:032x}",
                "at": now - rng.random() * 60 * 86400,
                "channel": rng.choice(["web", "wechat"]),
                "asker": f"u{rng.randrange(20000)}",
                "text": f"问题{i % 5000}",
                "intent": "rumor" if rumor else "resp",
                "outcome": outcome,
                "material_id": f"m-{rng.randrange(130)}" if rumor and outcome == "answered" else None,
                "citation": None,
                "confidence": 0.5,
                "answer": "回答",
            }
        )
    vector = to_blob(np.ones(384, np.float32) / np.sqrt(384))
    with database.begin() as c:
        for start in range(0, len(rows), 5000):
            c.execute(insert(questions), rows[start : start + 5000])
        c.execute(
            insert(queue_groups),
            [
                {
                    "title": f"说法{g}",
                    "status": "open",
                    "created_at": now - 86400 * 30,
                    "last_at": now,
                    "centroid": vector,
                    "size": 10,
                }
                for g in range(1000)
            ],
        )
        c.execute(
            insert(queue_messages),
            [
                {
                    "question_id": f"q{i:031x}",
                    "at": now - rng.random() * 30 * 86400,
                    "channel": "wechat",
                    "asker": f"u{rng.randrange(5000)}",
                    "text": f"说法{i % 1000}",
                    "group_id": 1 + i % 1000,
                }
                for i in range(10_000)
            ],
        )
        c.execute(
            insert(feedback),
            [
                {
                    "at": now - rng.random() * 30 * 86400,
                    "question_id": f"{i * 7:032x}",
                    "rating": rng.choice(["useful", "useless"]),
                    "reason": "",
                    "channel": "web",
                }
                for i in range(2000)
            ],
        )


def dashboard_speed(count: int = 100_000, repeats: int = 15) -> dict:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="kepu-dash-") as work:
        settings = Settings(data_dir=Path(work), admin_token=TOKEN)
        database = open_database(settings)
        started = time.perf_counter()
        _fill(database, count, rng, time.time())
        fill_seconds = time.perf_counter() - started
        app = FastAPI()
        app.state.services = build_services(settings, load_model=False)
        app.include_router(team.router)
        headers = {"X-Kepu-Token": TOKEN}
        page_ms, full_ms, cold_ms = [], [], []
        with TestClient(app) as client:
            assert client.get("/team", headers=headers).status_code == 200  # warm
            for _ in range(repeats):
                dashboard._cache.clear()  # the charts' figures computed afresh too
                t0 = time.perf_counter()
                assert client.get("/team", headers=headers).status_code == 200
                cold_ms.append((time.perf_counter() - t0) * 1000)
            for _ in range(repeats):
                t0 = time.perf_counter()
                response = client.get("/team", headers=headers)
                t1 = time.perf_counter()
                assert response.status_code == 200
                for name in CHARTS:
                    assert client.get(f"/team/charts/{name}.svg", headers=headers).status_code == 200
                t2 = time.perf_counter()
                page_ms.append((t1 - t0) * 1000)
                full_ms.append((t2 - t0) * 1000)
        close_all()
    return {
        "questions": count,
        "fill_seconds": round(fill_seconds, 1),
        "page_uncached_ms": {"p50": round(statistics.median(cold_ms), 1), "max": round(max(cold_ms), 1)},
        "page_ms": {"p50": round(statistics.median(page_ms), 1), "max": round(max(page_ms), 1)},
        "page_and_charts_ms": {"p50": round(statistics.median(full_ms), 1), "max": round(max(full_ms), 1)},
    }


if __name__ == "__main__":
    print(json.dumps(dashboard_speed(), ensure_ascii=False, indent=1))
