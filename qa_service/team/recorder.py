"""Every public answer is logged for the team, off the answer path.

`record()` only builds a small row and puts it on a bounded in-process queue (microseconds,
never blocks: when the database falls behind by more than MAX_PENDING rows, new rows are dropped
and counted). One writer thread inserts them in batches, puts unanswered claims in the queue and
groups them with the encoder. The answer itself is never touched.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert

from graph.db import Database, DatabaseError
from graph.db.schema import questions, queue_messages
from qa_service.team.grouping import Grouper
from qa_service.team.outcomes import MAX_TEXT, answer_facts

log = logging.getLogger(__name__)

MAX_PENDING = 10_000
BATCH = 200
CHANNELS = ("web", "wechat", "api")


@dataclass
class _Row:
    id: str
    at: float
    channel: str
    asker: str
    text: str
    body: dict


def new_answer_id() -> str:
    return uuid.uuid4().hex


class AnswerRecorder:
    def __init__(
        self,
        database: Callable[[], Database],
        encode: Callable[[], Callable[[list[str]], np.ndarray] | None],
        max_pending: int = MAX_PENDING,
    ):
        """`database` and `encode` are looked up when the writer needs them (both load lazily)."""
        self._database = database
        self._encode = encode
        self._queue: queue.Queue[_Row] = queue.Queue(max_pending)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.dropped = 0
        self.written = 0

    def record(
        self, channel: str, asker: str | None, question: str, body: dict, answer_id: str | None = None
    ) -> str:
        """Log one answer (non-blocking); returns its answer id (for ratings)."""
        row = _Row(
            answer_id or new_answer_id(),
            time.time(),
            channel if channel in CHANNELS else "api",
            (asker or "")[:128],
            (question or "")[:MAX_TEXT],
            body,
        )
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            self.dropped += 1
            if self.dropped % 1000 == 1:
                log.warning("answer log behind: %d rows dropped so far", self.dropped)
            return row.id
        self._ensure_thread()
        return row.id

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="kepu-answer-log", daemon=True)
                    self._thread.start()

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything recorded so far is written and grouped (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def _run(self) -> None:
        while True:
            rows = [self._queue.get()]
            while len(rows) < BATCH:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(rows)
            except Exception:  # noqa: BLE001 - the writer thread must survive anything
                log.exception("answer log: %d rows not written", len(rows))
            finally:
                for _ in rows:
                    self._queue.task_done()

    def _write(self, rows: list[_Row]) -> None:
        database = self._database()
        answers, queued = [], []
        for row in rows:
            facts = answer_facts(row.body)
            answers.append(
                {
                    "id": row.id,
                    "at": row.at,
                    "channel": row.channel,
                    "asker": row.asker,
                    "text": row.text,
                    "intent": facts.intent,
                    "outcome": facts.outcome,
                    "material_id": facts.material_id,
                    "citation": facts.citation,
                    "confidence": facts.confidence,
                    "answer": facts.answer,
                }
            )
            if facts.queue:
                queued.append(
                    {
                        "question_id": row.id,
                        "at": row.at,
                        "channel": row.channel,
                        "asker": row.asker,
                        "text": row.text,
                        "vector": None,
                        "group_id": None,
                    }
                )
        try:
            with database.begin() as c:
                c.execute(insert(questions), answers)
                if queued:
                    c.execute(insert(queue_messages), queued)
        except DatabaseError as exc:
            log.error("answer log: %d rows not written: %s", len(rows), exc)
            return
        self.written += len(answers)
        encode = self._encode() if queued else None
        if encode is not None:
            try:
                Grouper(database, encode).assign_pending()
            except DatabaseError as exc:
                log.error("queue grouping deferred: %s", exc)
