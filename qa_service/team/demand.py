"""The unanswered queue, ranked by demand, and its export for the team's weekly meeting.

For each open group: asks, distinct askers, the last ask, asks in the last 24 hours and the
group's weekly baseline (asks in the 28 days before that, per week). Growth is the last day's asks
over the baseline's daily rate (at least half an ask a day, so a brand-new group is not infinitely
fast). A group is trending (舆情) with at least TRENDING_MIN_ASKS in the last day growing at least
TRENDING_GROWTH times its baseline.

    score = ln(1 + asks) + 2 ln(1 + askers) + 2 exp(-age_days / 7) + 0.5 min(growth, 10)
"""

from __future__ import annotations

import csv
import io
import math
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, case, func, select

from graph.db import Database
from graph.db.schema import queue_groups, queue_messages

DAY = 86400.0
TRENDING_MIN_ASKS = 5
TRENDING_GROWTH = 3.0
EXAMPLES = 3


@dataclass
class GroupDemand:
    id: int
    title: str
    status: str
    asks: int
    askers: int
    last_at: float
    last_day: int
    weekly_baseline: float
    growth: float
    trending: bool
    score: float
    material_id: str | None = None
    examples: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def _score(asks: int, askers: int, age_days: float, growth: float) -> float:
    return math.log1p(asks) + 2 * math.log1p(askers) + 2 * math.exp(-age_days / 7) + 0.5 * min(growth, 10.0)


def ranked_groups(
    database: Database,
    status: str = "open",
    limit: int = 100,
    now: float | None = None,
    with_examples: bool = True,
) -> list[GroupDemand]:
    now = time.time() if now is None else now
    m = queue_messages.c
    query = (
        select(
            queue_groups.c.id,
            queue_groups.c.title,
            queue_groups.c.status,
            queue_groups.c.material_id,
            func.count(m.id).label("asks"),
            func.count(func.distinct(m.asker)).label("askers"),
            func.max(m.at).label("last_at"),
            func.sum(case((m.at > now - DAY, 1), else_=0)).label("last_day"),
            func.sum(case((and_(m.at <= now - DAY, m.at > now - 29 * DAY), 1), else_=0)).label("before"),
        )
        .join(queue_messages, m.group_id == queue_groups.c.id)
        .group_by(queue_groups.c.id, queue_groups.c.title, queue_groups.c.status, queue_groups.c.material_id)
    )
    if status != "all":
        query = query.where(queue_groups.c.status == status)
    with database.read() as c:
        rows = c.execute(query).all()
    out = []
    for r in rows:
        baseline = float(r.before or 0) / 4.0
        growth = float(r.last_day or 0) / max(baseline / 7.0, 0.5)
        trending = (r.last_day or 0) >= TRENDING_MIN_ASKS and growth >= TRENDING_GROWTH
        age = max(0.0, (now - (r.last_at or now)) / DAY)
        out.append(
            GroupDemand(
                id=r.id,
                title=r.title,
                status=r.status,
                asks=r.asks,
                askers=r.askers,
                last_at=r.last_at or 0.0,
                last_day=int(r.last_day or 0),
                weekly_baseline=round(baseline, 2),
                growth=round(growth, 2),
                trending=trending,
                score=round(_score(r.asks, r.askers, age, growth), 3),
                material_id=r.material_id,
            )
        )
    out.sort(key=lambda g: (-g.score, -g.last_at, g.id))
    out = out[:limit]
    if with_examples and out:
        _add_examples(database, out)
    return out


def _add_examples(database: Database, groups: list[GroupDemand]) -> None:
    by_id = {g.id: g for g in groups}
    query = (
        select(queue_messages.c.group_id, queue_messages.c.text)
        .where(queue_messages.c.group_id.in_(list(by_id)))
        .order_by(queue_messages.c.at.desc())
    )
    with database.read() as c:
        for group_id, text in c.execute(query):
            examples = by_id[group_id].examples
            if len(examples) < EXAMPLES and text not in examples:
                examples.append(text)


def group_detail(database: Database, group_id: int) -> dict | None:
    with database.read() as c:
        group = c.execute(select(queue_groups).where(queue_groups.c.id == group_id)).mappings().first()
        if group is None:
            return None
        messages = (
            c.execute(
                select(
                    queue_messages.c.at,
                    queue_messages.c.channel,
                    queue_messages.c.asker,
                    queue_messages.c.text,
                )
                .where(queue_messages.c.group_id == group_id)
                .order_by(queue_messages.c.at.desc())
                .limit(200)
            )
            .mappings()
            .all()
        )
    data = {k: v for k, v in group.items() if k != "centroid"}
    data["messages"] = [dict(m) for m in messages]
    return data


EXPORT_COLUMNS = (
    "排名",
    "问题（代表说法）",
    "提问次数",
    "提问人数",
    "最近提问",
    "近24小时",
    "周基线",
    "增长倍数",
    "舆情",
    "例句",
)


def _export_rows(groups: list[GroupDemand]) -> list[list]:
    return [
        [
            rank,
            g.title,
            g.asks,
            g.askers,
            time.strftime("%Y-%m-%d %H:%M", time.localtime(g.last_at)),
            g.last_day,
            g.weekly_baseline,
            g.growth,
            "是" if g.trending else "",
            "；".join(g.examples),
        ]
        for rank, g in enumerate(groups, 1)
    ]


def export_csv(groups: list[GroupDemand]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_export_rows(groups))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def export_xlsx(groups: list[GroupDemand]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "待答问题"
    sheet.append(list(EXPORT_COLUMNS))
    for row in _export_rows(groups):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (6, 40, 10, 10, 18, 10, 10, 10, 6, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
