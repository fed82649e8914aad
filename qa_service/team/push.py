"""Telling the askers: when an approval closes a queue group, each WeChat user who asked it gets
the new answer through the customer-service API, within the platform's limits.

- Jobs are rows of `pushes`, one per (openid, group): unique, so a user is never told twice.
- Only within WINDOW (48 h) of that user's last message (the answer log knows it); a job whose
  window has passed is `expired` without a call.
- At most PER_WINDOW (5) pushes per user in 48 h: further jobs wait for the oldest to age out
  (or expire).
- A job is claimed (queued -> sending) in its own transaction before the call, so two workers
  never send the same one; a worker killed during the call leaves it `sending`, and such a job is
  given up after STUCK_SECONDS rather than risk a second message.
- Refusals 45015 (window over) and 45047 (quota) are final (`refused`); a network failure or
  another error is retried with exponential back-off, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import and_, func, insert, select, update

from graph.db import Database, DatabaseError
from graph.db.schema import pushes, questions, queue_messages
from qa_service.rumors.check import build_reply
from qa_service.wechat.reply_format import format_reply

log = logging.getLogger(__name__)

WINDOW = 48 * 3600
PER_WINDOW = 5
MAX_ATTEMPTS = 6
BASE_DELAY = 30.0
MAX_DELAY = 3600.0
STUCK_SECONDS = 600
FINAL_REFUSALS = {45015: "48 小时回复窗口已过", 45047: "超过客服消息条数限制"}
POLL_SECONDS = 5.0
UNREACHABLE_MAX_WAIT = 300.0  # longest wait between passes while the database is down
INTRO = "您之前问过：“{asked}”\n科普团队已经核实，答复如下：\n"


def backoff(attempts: int) -> float:
    return min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1))


def push_text(asked: str, record) -> str:
    reply = build_reply(record.verdict, record.title, record.summary, record.source)
    return format_reply(INTRO.format(asked=asked[:60]) + reply)


def enqueue_for_group(c, group_id: int, record, now: float | None = None) -> int:
    """Inside the approval's transaction: one job per WeChat asker of the group not yet told."""
    now = time.time() if now is None else now
    asked = {}
    for openid, text in c.execute(
        select(queue_messages.c.asker, queue_messages.c.text)
        .where(
            queue_messages.c.group_id == group_id,
            queue_messages.c.channel == "wechat",
            queue_messages.c.asker != "",
        )
        .order_by(queue_messages.c.at.desc())
    ):
        asked.setdefault(openid, text)  # their latest wording
    done = set(c.execute(select(pushes.c.openid).where(pushes.c.group_id == group_id)).scalars())
    rows = [
        {
            "openid": openid,
            "group_id": group_id,
            "material_id": record.id,
            "content": push_text(text, record),
            "status": "queued",
            "attempts": 0,
            "next_at": now,
            "created_at": now,
            "last_error": "",
        }
        for openid, text in asked.items()
        if openid not in done
    ]
    if rows:
        c.execute(insert(pushes), rows)
    return len(rows)


class Pusher:
    """Sends due jobs with `send(openid, text) -> 0 | errcode | None` (CustomerService.send)."""

    def __init__(self, database: Callable[[], Database], send, clock: Callable[[], float] = time.time):
        self._database = database
        self.send = send
        self.clock = clock
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()

    @property
    def db(self) -> Database:
        return self._database()

    async def run_once(self, limit: int = 50) -> dict[str, int]:
        """One pass over due jobs; counts of what happened."""
        counts = {"sent": 0, "refused": 0, "expired": 0, "deferred": 0, "retry": 0, "failed": 0}
        now = self.clock()
        with self.db.begin() as c:
            c.execute(
                update(pushes)
                .where(pushes.c.status == "sending", pushes.c.next_at < now - STUCK_SECONDS)
                .values(status="failed", last_error="worker stopped during the call; not resent")
            )
        with self.db.read() as c:
            due = (
                c.execute(
                    select(pushes)
                    .where(pushes.c.status == "queued", pushes.c.next_at <= now)
                    .order_by(pushes.c.next_at)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        for job in due:
            counts[await self._one(job)] += 1
        return counts

    def _last_message(self, c, openid: str) -> float | None:
        return c.execute(
            select(func.max(questions.c.at)).where(
                questions.c.asker == openid, questions.c.channel == "wechat"
            )
        ).scalar()

    async def _one(self, job) -> str:
        now = self.clock()
        with self.db.begin() as c:
            last = self._last_message(c, job["openid"])
            window_end = (last or 0) + WINDOW
            if last is None or now >= window_end:
                self._finish(c, job["id"], "expired", "用户最后一条消息已超过 48 小时")
                return "expired"
            recent = (
                c.execute(
                    select(pushes.c.sent_at)
                    .where(
                        pushes.c.openid == job["openid"],
                        pushes.c.status == "sent",
                        pushes.c.sent_at > now - WINDOW,
                    )
                    .order_by(pushes.c.sent_at)
                )
                .scalars()
                .all()
            )
            if len(recent) >= PER_WINDOW:
                free_at = recent[len(recent) - PER_WINDOW] + WINDOW
                if free_at >= window_end:
                    self._finish(c, job["id"], "expired", "48 小时内已推送 5 条，窗口内无法再推送")
                    return "expired"
                c.execute(update(pushes).where(pushes.c.id == job["id"]).values(next_at=free_at))
                return "deferred"
            claimed = c.execute(
                update(pushes)
                .where(and_(pushes.c.id == job["id"], pushes.c.status == "queued"))
                .values(status="sending", attempts=pushes.c.attempts + 1, next_at=now)
            ).rowcount
        if not claimed:
            return "deferred"  # another worker has it
        code = await self.send(job["openid"], job["content"])
        attempts = job["attempts"] + 1
        with self.db.begin() as c:
            if code == 0:
                c.execute(
                    update(pushes)
                    .where(pushes.c.id == job["id"])
                    .values(status="sent", sent_at=self.clock(), last_error="")
                )
                return "sent"
            if code in FINAL_REFUSALS:
                self._finish(c, job["id"], "refused", f"{code}: {FINAL_REFUSALS[code]}")
                return "refused"
            error = f"errcode {code}" if code is not None else "network error"
            if attempts >= MAX_ATTEMPTS:
                self._finish(c, job["id"], "failed", error)
                return "failed"
            c.execute(
                update(pushes)
                .where(pushes.c.id == job["id"])
                .values(status="queued", next_at=self.clock() + backoff(attempts), last_error=error)
            )
            return "retry"

    def _finish(self, c, job_id: int, status: str, error: str) -> None:
        c.execute(update(pushes).where(pushes.c.id == job_id).values(status=status, last_error=error))

    # -- background ------------------------------------------------------------------------
    def kick(self) -> None:
        """Run a pass soon (after an approval queued jobs)."""
        self.start()
        self._wake.set()

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="kepu-push", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker and wait for it (app shutdown); a later kick() starts it again."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("push worker still busy %.0f s after shutdown was asked; left to finish", timeout)

    def _loop(self) -> None:
        loop = asyncio.new_event_loop()
        wait, unreachable = POLL_SECONDS, False
        try:
            while not self._stop.is_set():
                try:
                    loop.run_until_complete(self.run_once())
                    if unreachable:
                        log.info("push worker: the database is reachable again; pushes resume")
                    wait, unreachable = POLL_SECONDS, False
                except DatabaseError as exc:
                    if not unreachable:  # one warning per outage, not one per pass
                        first_line = (
                            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                        )
                        log.warning(
                            "push worker: the database is unreachable (%s); pushes wait, retrying with "
                            "back-off up to %.0f s",
                            first_line,
                            UNREACHABLE_MAX_WAIT,
                        )
                    wait, unreachable = min(UNREACHABLE_MAX_WAIT, max(wait, POLL_SECONDS) * 2), True
                except Exception:  # noqa: BLE001 - the push thread must survive anything
                    log.exception("push pass failed")
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            loop.close()


def jobs(database: Database, limit: int = 200) -> list[dict]:
    with database.read() as c:
        return [
            dict(r) for r in c.execute(select(pushes).order_by(pushes.c.id.desc()).limit(limit)).mappings()
        ]
