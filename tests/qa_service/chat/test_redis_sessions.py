"""Several workers, one Redis (a real redis-server): conversations and rate limits are shared.

Each "worker" is its own app instance with its own chat service, sharing only KEPU_REDIS_URL, as
`kepu serve --workers N` processes and replicas behind a load balancer do.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import redis
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph.settings import PROJECT_ROOT, Settings
from qa_service.app import create_app
from qa_service.chat.redis_sessions import RedisSessionStore
from qa_service.chat.session_factory import open_session_store
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.http.rate_limit import RateLimiter, RedisCounters
from qa_service.wechat import texts
from tests.support import redis_server as redis_support
from tests.support.wechat_platform import FakeChat, WeChatPlatform, full_app, random_aes_key

pytestmark = pytest.mark.server
redis_server_session, redis_server = redis_support.redis_server_session, redis_support.redis_server  # fixtures

PLAN = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
TOKEN, APPID = "kepu-test-token", "wx1234567890abcdef"


def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{redis_support.free_port()}/0"  # nothing listens there


# --- the store -------------------------------------------------------------------------------------
def test_state_round_trips_as_json_and_is_deleted(redis_server):
    store = RedisSessionStore.from_url(redis_server.url)
    state = {"intent": "resp", "measure_ids": ["p/2/3/3"], "unit": "区科协", "at": 1.5}
    store.put("oUser-1", state)
    assert store.get("oUser-1") == state
    assert store.get("oUser-2") is None
    store.delete("oUser-1")
    assert store.get("oUser-1") is None


def test_keys_are_hashed_and_expire_after_idle_ttl(redis_server):
    store = RedisSessionStore.from_url(redis_server.url)
    store.put("oSecretOpenid", {"intent": "lead"})
    client = redis.Redis.from_url(redis_server.url)
    keys = [k.decode() for k in client.keys("kepu:session:*")]
    assert len(keys) == 1 and "oSecretOpenid" not in keys[0], "openids must not appear in Redis keys"
    assert 1790 <= client.ttl(keys[0]) <= 1800, "sessions live 30 minutes"
    client.expire(keys[0], 5)
    assert store.get("oSecretOpenid") == {"intent": "lead"}
    assert client.ttl(keys[0]) >= 1790, "reading a session must refresh its 30-minute idle timeout"
    short = RedisSessionStore.from_url(redis_server.url, ttl=1)
    short.put("brief", {"intent": "x"})
    time.sleep(1.3)
    assert short.get("brief") is None, "an idle session must expire"


def test_factory_picks_redis_only_when_configured(redis_server, tmp_path):
    assert isinstance(open_session_store(Settings(data_dir=tmp_path, redis_url=redis_server.url)), RedisSessionStore)
    assert isinstance(open_session_store(Settings(data_dir=tmp_path)), InMemorySessionStore)


def test_unreachable_redis_degrades_to_no_memory_quickly(caplog):
    store = RedisSessionStore.from_url(dead_redis_url())
    started = time.monotonic()
    store.put("s", {"intent": "resp"})
    assert store.get("s") is None
    store.delete("s")
    assert time.monotonic() - started < 3, "a dead Redis must not hold answers up"
    assert any("session store unavailable" in r.getMessage() for r in caplog.records)


def test_conversations_get_their_memory_back_when_redis_returns(tmp_path, monkeypatch):
    import qa_service.chat.redis_sessions as module

    monkeypatch.setattr(module, "_RETRY_SECONDS", 0.2)
    port = redis_support.free_port()
    store = RedisSessionStore.from_url(f"redis://127.0.0.1:{port}/0")
    store.put("s", {"intent": "resp"})
    assert store.get("s") is None
    with redis_support.RedisServer(port=port, work_dir=tmp_path):
        time.sleep(0.3)
        store.put("s", {"intent": "resp"})
        assert store.get("s") == {"intent": "resp"}, "once Redis is back, sessions must work again"


# --- two workers -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    from qa_service.cli import app as cli

    data_dir = tmp_path_factory.mktemp("workers") / "data"
    result = CliRunner(env={"KEPU_GRAPH_URI": ""}).invoke(cli, ["--data-dir", str(data_dir), "ingest", "plan", str(PLAN)])
    assert result.exit_code == 0, result.output
    return data_dir


def worker(settings: Settings, chat=None):
    """One worker: the real app; its own chat service unless given one (no model: lexical answers)."""
    return full_app(settings, chat)


def test_follow_up_on_worker_b_resolves_against_worker_a(plan_dir, redis_server):
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    settings = Settings(data_dir=plan_dir, model_dir=plan_dir / "no-model", redis_url=redis_server.url,
                        wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key)
    worker_a, worker_b = worker(settings), worker(settings)
    assert worker_a.state.services.chat is not worker_b.state.services.chat

    def ask(client, openid, question):
        response = client.post("/wechat", **platform.request(platform.text(openid, question)))
        assert response.status_code == 200
        return platform.read_reply(response.text).content

    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        first = ask(a, "oAlice", "保障经费投入由哪个部门负责？")
        follow_up = ask(b, "oAlice", "它还负责什么？")
        stranger = ask(b, "oBob", "它还负责什么？")
        if any(path == "/api/ask" for path in worker_a.openapi()["paths"]):  # the web side, same story
            a.post("/api/ask", json={"question": "保障经费投入由哪个部门负责？", "session_id": "web-carol"})
            web = b.post("/api/ask", json={"question": "它还负责什么？", "session_id": "web-carol"}).json()
            assert "优化科普设施建设布局" in web["answer"], web["answer"]
    assert "区财政局" in first, first
    assert "区财政局" in follow_up and "优化科普设施建设布局" in follow_up, \
        f"worker B must know what 'it' is from worker A's turn: {follow_up}"
    assert "优化科普设施建设布局" not in stranger, "another user's follow-up must not see Alice's conversation"


def test_http_rate_limit_is_shared_by_all_workers(tmp_path, redis_server):
    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", redis_url=redis_server.url,
                        rate_limit_per_minute=5)
    worker_a, worker_b = create_app(settings), create_app(settings)
    with TestClient(worker_a, client=("192.0.2.10", 1)) as a, TestClient(worker_b, client=("192.0.2.10", 2)) as b:
        codes = [a.get("/openapi.json").status_code for _ in range(3)] + \
                [b.get("/openapi.json").status_code for _ in range(2)]
        refused = b.get("/openapi.json")
        other = a.get("/openapi.json", headers={})  # same IP on the other worker: also over
    assert codes == [200] * 5
    assert refused.status_code == 429 and other.status_code == 429
    assert refused.json() == {"detail": "请求过于频繁，请稍后再试。"} and int(refused.headers["retry-after"]) <= 60


def test_redis_counters_are_atomic_under_concurrency(redis_server):
    limiter = RateLimiter(10, window=60, counters=RedisCounters(redis_server.url, prefix="kepu:test:"))

    async def flood():
        return await asyncio.gather(*(limiter.hit("ip:192.0.2.77") for _ in range(60)))

    assert sum(asyncio.run(flood())) == 10, "exactly the limit may pass, however many arrive at once"


def test_a_window_in_redis_closes_and_reopens(redis_server):
    limiter = RateLimiter(1, window=1, counters=RedisCounters(redis_server.url, prefix="kepu:test:"))
    assert asyncio.run(limiter.hit("k")) and not asyncio.run(limiter.hit("k"))
    time.sleep(1.2)
    assert asyncio.run(limiter.hit("k"))


def test_unreachable_redis_does_not_block_requests(tmp_path, caplog):
    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", redis_url=dead_redis_url(),
                        rate_limit_per_minute=2)
    with TestClient(create_app(settings)) as client:
        codes = [client.get("/openapi.json").status_code for _ in range(4)]
    assert codes == [200] * 4, "with the counter store down, requests pass rather than fail"
    assert any("rate limit store unavailable" in r.getMessage() for r in caplog.records)


def test_wechat_per_user_limit_is_shared_by_all_workers(tmp_path, redis_server):
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", redis_url=redis_server.url,
                        wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key,
                        wechat_rate_limit_per_minute=2)
    chat = FakeChat()
    worker_a, worker_b = worker(settings, chat), worker(settings, chat)

    def say(client, text):
        response = client.post("/wechat", **platform.request(platform.text("oChatty", text)))
        return platform.read_reply(response.text).content

    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        replies = [say(a, "问题一"), say(b, "问题二"), say(a, "问题三")]
    assert replies[2] == texts.TOO_FREQUENT and texts.TOO_FREQUENT not in replies[:2]
