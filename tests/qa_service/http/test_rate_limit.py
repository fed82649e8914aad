"""Rate limits: per client IP over HTTP (429, Chinese, Retry-After), per openid on WeChat (a polite
Chinese reply instead of an answer), in-process counters here; Redis counters in test_redis_sessions.py."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings
from qa_service.app import create_app
from qa_service.http.rate_limit import MemoryCounters, RateLimiter
from qa_service.wechat import texts
from tests.support.wechat_platform import FakeChat, WeChatPlatform, random_aes_key, wechat_app

RATE_LIMITED = "请求过于频繁，请稍后再试。"
TOKEN, APPID = "kepu-test-token", "wx1234567890abcdef"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(coro):
    return asyncio.run(coro)


# --- the limiter ---------------------------------------------------------------------------------
def test_limiter_allows_the_limit_then_refuses_until_the_window_closes():
    clock = FakeClock()
    limiter = RateLimiter(3, window=60, counters=MemoryCounters(clock=clock))
    assert [run(limiter.hit("ip:1.2.3.4")) for _ in range(3)] == [True, True, True]
    clock.now += 20
    refused = run(limiter.consume("ip:1.2.3.4"))
    assert not refused.allowed and refused.retry_after == 40, "the window opened 20 s ago: retry in 40 s"
    assert run(limiter.hit("ip:5.6.7.8")), "another client has its own allowance"
    clock.now += 40
    assert run(limiter.hit("ip:1.2.3.4")), "a new window must open after 60 s"


def test_limit_zero_means_no_limit():
    limiter = RateLimiter(0)
    assert all(run(limiter.hit("k")) for _ in range(1000))


def test_memory_counters_stay_bounded_under_many_clients():
    counters = MemoryCounters(max_keys=100, clock=FakeClock())
    limiter = RateLimiter(5, counters=counters)
    for i in range(5000):
        run(limiter.hit(f"ip:10.0.{i // 256}.{i % 256}"))
    assert len(counters) <= 100


def test_settings_read_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("KEPU_RATE_LIMIT_PER_MINUTE", "1000000")
    monkeypatch.setenv("KEPU_WECHAT_RATE_LIMIT_PER_MINUTE", "0")
    settings = Settings.from_env()
    assert settings.rate_limit_per_minute == 1_000_000 and settings.wechat_rate_limit_per_minute == 0
    monkeypatch.setenv("KEPU_RATE_LIMIT_PER_MINUTE", "lots")
    with pytest.warns(UserWarning, match="KEPU_RATE_LIMIT_PER_MINUTE"):
        assert Settings.from_env().rate_limit_per_minute == 600, "a bad value must fall back to the default"


# --- per client IP over HTTP -----------------------------------------------------------------------
@pytest.fixture
def app(tmp_path):
    return create_app(Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", rate_limit_per_minute=5))


def test_sixth_request_in_a_minute_gets_429_with_chinese_message_and_retry_after(app, caplog):
    caplog.set_level(logging.WARNING, "qa_service.http.rate_limit")
    with TestClient(app, client=("203.0.113.7", 40000)) as client:
        answers = [client.get("/api/search", params={"q": "疫苗"}) for _ in range(5)]
        assert all(r.status_code != 429 for r in answers), [r.status_code for r in answers]
        refused = client.get("/api/search", params={"q": "疫苗"})
        again = client.post("/api/rumor-check", json={"text": "隔夜菜致癌"})
    assert refused.status_code == 429 and again.status_code == 429
    assert refused.json() == {"detail": RATE_LIMITED}
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-content-type-options"] == "nosniff"
    warnings = [r for r in caplog.records if "rate limit" in r.getMessage()]
    assert len(warnings) == 1, "a flood is logged once per window, not once per request"


def test_other_clients_keep_their_own_allowance(app):
    with TestClient(app, client=("203.0.113.7", 40000)) as noisy, TestClient(app, client=("198.51.100.9", 1)) as calm:
        for _ in range(6):
            noisy.get("/openapi.json")
        assert noisy.get("/openapi.json").status_code == 429
        assert calm.get("/openapi.json").status_code == 200


def test_a_browser_gets_a_chinese_page_and_static_files_are_not_counted(app):
    with TestClient(app, client=("203.0.113.8", 40000)) as client:
        for _ in range(5):
            client.get("/openapi.json")
        page = client.get("/", headers={"accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
        assert RATE_LIMITED in page.text and "Traceback" not in page.text
        assert "content-security-policy" in page.headers
        if any(getattr(r, "path", "") == "/static" for r in app.routes):
            assert client.get("/static/style.css").status_code == 200, "static files must not be limited"


def test_limit_zero_turns_the_http_limit_off(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", rate_limit_per_minute=0))
    with TestClient(app) as client:
        assert all(client.get("/openapi.json").status_code == 200 for _ in range(30))


# --- per openid on WeChat --------------------------------------------------------------------------
@pytest.fixture
def platform() -> WeChatPlatform:
    return WeChatPlatform(TOKEN, APPID, random_aes_key())


def test_wechat_user_over_the_limit_gets_a_polite_reply_and_others_are_unaffected(tmp_path, platform):
    settings = Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key,
                        wechat_rate_limit_per_minute=2)
    chat = FakeChat()

    def say(client, openid, text, msg_id=None, create_time=None):
        message = platform.text(openid, text, msg_id=msg_id, create_time=create_time)
        response = client.post("/wechat", **platform.request(message))
        assert response.status_code == 200, "the platform must never see an HTTP error for a chatty user"
        return platform.read_reply(response.text).content

    with TestClient(wechat_app(settings, chat)) as client:
        sent_at = int(time.time())  # a retry repeats the message as sent, CreateTime included
        first = say(client, "oBusy", "谁负责科普教育基地建设？", msg_id="9001", create_time=sent_at)
        say(client, "oBusy", "区科协负责哪些工作？")
        third = say(client, "oBusy", "隔夜菜会致癌吗？")
        retry = say(client, "oBusy", "谁负责科普教育基地建设？", msg_id="9001", create_time=sent_at)
        other = say(client, "oCalm", "隔夜菜会致癌吗？")
    assert third == texts.TOO_FREQUENT == "您发送太频繁了，请稍后再试。"
    assert retry == first, "WeChat's retry of an answered message gets the same answer, not a refusal"
    assert "隔夜菜" in other
    asked = [q for q, session in chat.calls if session == "oBusy"]
    assert asked == ["谁负责科普教育基地建设？", "区科协负责哪些工作？"], "the refused question must not reach the chat"
