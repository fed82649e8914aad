"""Telling the askers through the customer-service API (the local fake of WeChat's API): within
48 h of their last message, at most 5 pushes in 48 h, queued, retried with back-off, never twice,
45015 / 45047 refusals final."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import insert, select

from graph.db.schema import pushes, questions, queue_groups, queue_messages
from graph.search.material_store import MaterialRecord
from qa_service.team.grouping import to_blob
from qa_service.team.push import PER_WINDOW, WINDOW, Pusher, backoff, enqueue_for_group
from qa_service.wechat.customer_service import CustomerService
from tests.support.redis_server import free_port
from tests.support.wechat_platform import FakeWeChatApi

RECORD = MaterialRecord(
    id="vinegar",
    title="喝醋能软化血管吗？",
    claims=["喝醋软化血管"],
    verdict="谣言",
    summary="醋不能软化血管。",
    source="中国营养学会《中国居民膳食指南（2022）》",
    status="approved",
    updated_at="2026-12-01",
)


@pytest.fixture
def api():
    with FakeWeChatApi() as server:
        yield server


def _service(base_url: str) -> CustomerService:
    return CustomerService(base_url, "wx0123456789abcdef", "secret", timeout=2.0)


def _asked(database, group_id: int, openid: str, text: str, last_message_at: float) -> None:
    with database.begin() as c:
        qid = f"{abs(hash((openid, text, group_id))):032d}"[-32:]
        c.execute(
            insert(questions).values(
                id=qid,
                at=last_message_at,
                channel="wechat",
                asker=openid,
                text=text,
                intent="rumor",
                outcome="abstained",
                confidence=0.0,
                answer="",
            )
        )
        c.execute(
            insert(queue_messages).values(
                question_id=qid,
                at=last_message_at,
                channel="wechat",
                asker=openid,
                text=text,
                group_id=group_id,
            )
        )


def _group(database) -> int:
    with database.begin() as c:
        return c.execute(
            insert(queue_groups)
            .values(
                title="喝醋能软化血管吗",
                status="closed",
                created_at=time.time(),
                last_at=time.time(),
                centroid=to_blob([1.0]),
                size=0,
                material_id="vinegar",
            )
            .returning(queue_groups.c.id)
        ).scalar_one()


def _status(database) -> dict[str, str]:
    with database.read() as c:
        return dict(c.execute(select(pushes.c.openid, pushes.c.status)).all())


def test_each_recent_asker_is_told_once(database, api):
    now = time.time()
    group_id = _group(database)
    _asked(database, group_id, "o-recent", "喝醋能软化血管吗", now - 3600)
    _asked(database, group_id, "o-recent", "听说喝醋软化血管", now - 1800)  # asked twice: told once
    _asked(database, group_id, "o-old", "喝醋软化血管？", now - WINDOW - 60)
    with database.begin() as c:
        assert enqueue_for_group(c, group_id, RECORD) == 2
    pusher = Pusher(lambda: database, _service(api.base_url).send)
    counts = asyncio.run(pusher.run_once())
    assert counts["sent"] == 1 and counts["expired"] == 1
    assert _status(database) == {"o-recent": "sent", "o-old": "expired"}
    [sent] = api.sent
    assert sent.body["touser"] == "o-recent"
    assert sent.body["text"]["content"].startswith("您之前问过：“听说喝醋软化血管”")
    assert "【谣言】喝醋能软化血管吗？" in sent.body["text"]["content"]
    with database.begin() as c:
        assert enqueue_for_group(c, group_id, RECORD) == 0, "approving again queues nobody twice"
    asyncio.run(pusher.run_once())
    assert len(api.sent) == 1, "never sent twice"


def test_at_most_five_pushes_per_user_in_48_hours(database, api):
    now = time.time()
    groups = [_group(database) for _ in range(PER_WINDOW + 2)]
    for g in groups:
        _asked(database, g, "o-busy", f"问题{g}", now - 60)
    with database.begin() as c:
        for g in groups:
            enqueue_for_group(c, g, RECORD)
    pusher = Pusher(lambda: database, _service(api.base_url).send)
    counts = asyncio.run(pusher.run_once())
    assert counts["sent"] == PER_WINDOW and len(api.sent) == PER_WINDOW
    assert counts["expired"] == 2, "no slot frees before this user's own 48 h are over"
    # Five sent 30 hours ago: the next one waits until the first of them is 48 hours old.
    with database.begin() as c:
        c.execute(pushes.update().where(pushes.c.status == "sent").values(sent_at=now - 30 * 3600))
        c.execute(pushes.update().where(pushes.c.status == "expired").values(status="queued", next_at=now))
    counts = asyncio.run(pusher.run_once())
    assert counts["deferred"] == 2 and len(api.sent) == PER_WINDOW
    with database.read() as c:
        waits = c.execute(select(pushes.c.next_at).where(pushes.c.status == "queued")).scalars().all()
    assert all(abs(w - (now - 30 * 3600 + WINDOW)) < 5 for w in waits)
    later = Pusher(lambda: database, _service(api.base_url).send, clock=lambda: now + 18 * 3600 + 10)
    assert asyncio.run(later.run_once())["sent"] == 2


@pytest.mark.parametrize("code", [45015, 45047])
def test_platform_refusals_are_final(database, api, code):
    group_id = _group(database)
    _asked(database, group_id, "o-refused", "喝醋能软化血管吗", time.time() - 60)
    with database.begin() as c:
        enqueue_for_group(c, group_id, RECORD)
    api.send_errors.append(code)
    pusher = Pusher(lambda: database, _service(api.base_url).send)
    assert asyncio.run(pusher.run_once())["refused"] == 1
    assert asyncio.run(pusher.run_once())["sent"] == 0, "not retried"
    with database.read() as c:
        row = c.execute(select(pushes)).mappings().one()
    assert row["status"] == "refused" and str(code) in row["last_error"]


def test_network_failures_are_retried_with_back_off_then_sent(database, api):
    group_id = _group(database)
    _asked(database, group_id, "o-retry", "喝醋能软化血管吗", time.time() - 60)
    with database.begin() as c:
        enqueue_for_group(c, group_id, RECORD)
    clock = [time.time()]
    down = Pusher(lambda: database, _service(f"http://127.0.0.1:{free_port()}").send, clock=lambda: clock[0])
    assert asyncio.run(down.run_once())["retry"] == 1
    with database.read() as c:
        row = c.execute(select(pushes)).mappings().one()
    assert row["status"] == "queued" and row["attempts"] == 1 and row["next_at"] >= clock[0] + backoff(1) - 1
    assert asyncio.run(down.run_once())["retry"] == 0, "not before its back-off"
    clock[0] += backoff(1) + 1
    up = Pusher(lambda: database, _service(api.base_url).send, clock=lambda: clock[0])
    assert asyncio.run(up.run_once())["sent"] == 1
    assert backoff(2) == 2 * backoff(1) and backoff(20) == 3600


def test_a_job_claimed_by_a_worker_that_died_is_not_resent(database, api):
    group_id = _group(database)
    _asked(database, group_id, "o-stuck", "喝醋能软化血管吗", time.time() - 60)
    with database.begin() as c:
        enqueue_for_group(c, group_id, RECORD)
        c.execute(pushes.update().values(status="sending", next_at=time.time() - 3600))
    pusher = Pusher(lambda: database, _service(api.base_url).send)
    asyncio.run(pusher.run_once())
    assert _status(database) == {"o-stuck": "failed"} and api.sent == []


def test_an_unreachable_database_is_one_warning_then_back_off_and_shutdown_stops_the_worker(
    monkeypatch, caplog
):
    from graph.db import Database
    from graph.db.engine import make_engine
    from qa_service.team import push

    monkeypatch.setattr(push, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(push, "UNREACHABLE_MAX_WAIT", 0.08)
    down = Database(make_engine(f"postgresql+psycopg://kepu@127.0.0.1:{free_port()}/kepu"))
    pusher = Pusher(lambda: down, lambda openid, text: 0)
    waits = []
    real_wait = pusher._wake.wait
    pusher._wake.wait = lambda timeout=None: (waits.append(timeout), real_wait(timeout))[1]
    with caplog.at_level("INFO", logger="qa_service.team.push"):
        pusher.start()
        deadline = time.monotonic() + 10
        while len(waits) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        pusher.stop(timeout=5)
    assert not pusher._thread.is_alive(), "stop() ends the worker"
    said = [r for r in caplog.records if r.name == "qa_service.team.push"]
    assert len(said) == 1 and said[0].levelname == "WARNING", [r.getMessage() for r in said]
    assert "database is unreachable" in said[0].getMessage() and "\n" not in said[0].getMessage()
    assert waits[:4] == [0.02, 0.04, 0.08, 0.08], "the wait doubles up to the cap"


def test_the_push_worker_stops_when_the_app_shuts_down(settings, database, api):
    from fastapi.testclient import TestClient

    from tests.qa_service.team.conftest import team_app

    app = team_app(settings)
    with TestClient(app):
        team = app.state.services.team
        team.pusher = Pusher(lambda: team.db, _service(api.base_url).send)
        team.pusher.kick()
        assert team.pusher._thread.is_alive()
    assert not team.pusher._thread.is_alive(), "no pass runs after shutdown (nor against a stopped database)"
