"""The figures of the team's dashboard, each one SQL aggregate over the answer log.

Days are China Standard Time (UTC+8, no daylight saving), the district's own calendar.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, func, select

from graph.db import Database
from graph.db.schema import feedback, questions
from qa_service.team import demand

DAY = 86400
TZ_OFFSET = 8 * 3600
DAYS = 30
OUTCOMES = ("answered", "suggested", "abstained")
CACHE_SECONDS = 15  # the page and its five charts are drawn from one computation
_cache: dict[int, tuple[float, Figures]] = {}
_cache_lock = threading.Lock()


@dataclass
class Figures:
    days: list[str]  # MM-DD labels, oldest first
    by_outcome: dict[str, list[int]]  # outcome -> count per day
    top_groups: list[demand.GroupDemand]
    trending: list[demand.GroupDemand]
    most_used: list[tuple[str, int]]  # material id, answers given from it
    useless_per_day: list[int]
    totals: dict[str, int] = field(default_factory=dict)


def _day_number(database: Database, column):
    shifted = (column + TZ_OFFSET) / DAY
    # Times are positive: SQLite's cast truncates, which is floor; PostgreSQL's rounds, so floor first.
    return cast(func.floor(shifted), Integer) if database.backend == "postgresql" else cast(shifted, Integer)


def cached_figures(database: Database) -> Figures:
    """`figures` of now, computed at most once per CACHE_SECONDS per database."""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(id(database))
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    return current_figures(database, now)


def current_figures(database: Database, now: float | None = None) -> Figures:
    """`figures` of now, always computed, and kept for the charts the page then asks for."""
    result = figures(database)
    with _cache_lock:
        _cache[id(database)] = (time.monotonic() if now is None else now, result)
    return result


def figures(database: Database, now: float | None = None, days: int = DAYS) -> Figures:
    now = time.time() if now is None else now
    today = int((now + TZ_OFFSET) // DAY)
    first = today - days + 1
    since = first * DAY - TZ_OFFSET
    labels = [time.strftime("%m-%d", time.gmtime(d * DAY)) for d in range(first, today + 1)]
    by_outcome = {o: [0] * days for o in OUTCOMES}
    useless = [0] * days
    q_day = _day_number(database, questions.c.at)
    f_day = _day_number(database, feedback.c.at)
    with database.read() as c:
        for day, outcome, n in c.execute(
            select(q_day, questions.c.outcome, func.count())
            .where(questions.c.at >= since)
            .group_by(q_day, questions.c.outcome)
        ):
            if outcome in by_outcome and first <= day <= today:
                by_outcome[outcome][day - first] = n
        for day, n in c.execute(
            select(f_day, func.count())
            .where(feedback.c.at >= since, feedback.c.rating == "useless")
            .group_by(f_day)
        ):
            if first <= day <= today:
                useless[day - first] = n
        most_used = [
            (m, n)
            for m, n in c.execute(
                select(questions.c.material_id, func.count().label("n"))
                .where(
                    questions.c.at >= since,
                    questions.c.intent == "rumor",
                    questions.c.material_id.is_not(None),
                )
                .group_by(questions.c.material_id)
                .order_by(func.count().desc(), questions.c.material_id)
                .limit(10)
            )
        ]
        total = c.execute(select(func.count()).select_from(questions)).scalar_one()
    groups = demand.ranked_groups(database, limit=200, now=now, with_examples=False)
    return Figures(
        days=labels,
        by_outcome=by_outcome,
        top_groups=groups[:10],
        trending=[g for g in groups if g.trending][:10],
        most_used=most_used,
        useless_per_day=useless,
        totals={
            "questions": total,
            "last_30_days": sum(sum(v) for v in by_outcome.values()),
            "open_groups": len(groups),
            "useless_30_days": sum(useless),
        },
    )
