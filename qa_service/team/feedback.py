"""Ratings of public answers (有用 / 没用, with an optional reason), and what editors read of them."""

from __future__ import annotations

import re
import time

from sqlalchemy import delete, func, insert, select

from graph.db import Database
from graph.db.schema import feedback, questions
from qa_service.team.errors import InvalidInput

RATINGS = {"useful": "有用", "useless": "没用"}
_ALIASES = {
    "有用": "useful",
    "有帮助": "useful",
    "useful": "useful",
    "up": "useful",
    "没用": "useless",
    "没有用": "useless",
    "无用": "useless",
    "useless": "useless",
    "down": "useless",
}
MAX_REASON = 300
# A WeChat reply that is a rating: the word first, then perhaps a reason ("没用，说得太笼统").
_WECHAT_RATING = re.compile(r"^\s*(没有用|没用|无用|有帮助|有用)(?:[，,。.!！:：;；\s]+(.*))?\s*$", re.S)
WECHAT_RATING_WINDOW = 30 * 60  # a rating must follow the answer within this many seconds
MAX_WECHAT_RATING_CHARS = 120


def parse_rating(value: str) -> str:
    rating = _ALIASES.get((value or "").strip().lower())
    if rating is None:
        raise InvalidInput(f"unknown rating {value!r}", "评价应为“有用”或“没用”。")
    return rating


def wechat_rating(text: str) -> tuple[str, str] | None:
    """(rating, reason) when a WeChat message is a rating reply, else None."""
    if len(text) > MAX_WECHAT_RATING_CHARS:
        return None
    found = _WECHAT_RATING.match(text)
    if found is None:
        return None
    return _ALIASES[found.group(1)], (found.group(2) or "").strip()[:MAX_REASON]


def rate(database: Database, answer_id: str, rating: str, reason: str = "", channel: str = "web") -> None:
    """Store (or replace) the rating of one answer."""
    rating = parse_rating(rating)
    if not re.fullmatch(r"[0-9a-f]{32}", answer_id or ""):
        raise InvalidInput("bad answer id", "无法识别要评价的回答。")
    with database.begin() as c:
        c.execute(delete(feedback).where(feedback.c.question_id == answer_id))
        c.execute(
            insert(feedback).values(
                at=time.time(),
                question_id=answer_id,
                rating=rating,
                reason=(reason or "").strip()[:MAX_REASON],
                channel=channel[:8],
            )
        )


def last_wechat_answer(database: Database, openid: str, now: float | None = None) -> str | None:
    """The id of the latest answer given to `openid` within the rating window, if any."""
    now = time.time() if now is None else now
    query = (
        select(questions.c.id)
        .where(
            questions.c.asker == openid,
            questions.c.channel == "wechat",
            questions.c.at > now - WECHAT_RATING_WINDOW,
        )
        .order_by(questions.c.at.desc())
        .limit(1)
    )
    with database.read() as c:
        return c.execute(query).scalar()


def useless_answers(database: Database, limit: int = 200) -> list[dict]:
    """Answers rated 没用, newest first: question, answer, material or clause, reason."""
    query = (
        select(
            feedback.c.at,
            feedback.c.reason,
            feedback.c.channel,
            questions.c.text.label("question"),
            questions.c.answer,
            questions.c.intent,
            questions.c.outcome,
            questions.c.material_id,
            questions.c.citation,
        )
        .join(questions, questions.c.id == feedback.c.question_id, isouter=True)
        .where(feedback.c.rating == "useless")
        .order_by(feedback.c.at.desc())
        .limit(limit)
    )
    with database.read() as c:
        return [dict(r) for r in c.execute(query).mappings()]


def counts(database: Database) -> dict[str, int]:
    with database.read() as c:
        rows = c.execute(select(feedback.c.rating, func.count()).group_by(feedback.c.rating)).all()
    return {rating: n for rating, n in rows}
