"""qa_service/wechat/customer_service.py against a local HTTP server playing the WeChat API."""

from __future__ import annotations

import asyncio
import logging

import pytest

from qa_service.wechat.customer_service import CustomerService, MemoryTokenCache
from tests.support.redis_server import free_port
from tests.support.wechat_platform import FakeWeChatApi

APPID, SECRET = "wx1234567890abcdef", "s3cr3t-app-secret"


@pytest.fixture
def api():
    with FakeWeChatApi() as server:
        yield server


def service(api: FakeWeChatApi, **kw) -> CustomerService:
    return CustomerService(api.base_url, APPID, SECRET, **kw)


def test_push_sends_the_text_to_the_user(api):
    assert asyncio.run(service(api).send_text("o-user", "牵头单位：区委宣传部")) is True
    (call,) = api.sent
    assert call.body == {"touser": "o-user", "msgtype": "text", "text": {"content": "牵头单位：区委宣传部"}}
    assert "区委宣传部".encode() in call.raw, "Chinese must go out as UTF-8, not \\u escapes WeChat shows literally"
    (token_call,) = api.hits("/cgi-bin/token")
    assert token_call.query == {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}


def test_access_token_is_fetched_once_for_two_pushes(api):
    cs = service(api)

    async def two():
        return [await cs.send_text("o-1", "一"), await cs.send_text("o-2", "二")]

    assert asyncio.run(two()) == [True, True]
    assert len(api.hits("/cgi-bin/token")) == 1, "the access_token must be cached between pushes"
    assert [c.query["access_token"] for c in api.sent] == ["ACCESS_TOKEN-1", "ACCESS_TOKEN-1"]


def test_concurrent_pushes_share_one_token_fetch(api):
    cs = service(api)

    async def many():
        return await asyncio.gather(*(cs.send_text(f"o-{i}", "内容") for i in range(8)))

    assert all(asyncio.run(many()))
    assert len(api.hits("/cgi-bin/token")) == 1


@pytest.mark.parametrize("code", [40001, 42001])
def test_stale_token_is_refreshed_once(api, code):
    api.send_errors = [code]
    assert asyncio.run(service(api).send_text("o-user", "内容")) is True
    assert len(api.hits("/cgi-bin/token")) == 2, "a rejected token must be fetched again"
    assert api.sent[0].query["access_token"] == "ACCESS_TOKEN-2"


def test_token_is_refreshed_before_it_expires(api):
    now = [0.0]
    cs = service(api, cache=MemoryTokenCache(clock=lambda: now[0]))

    async def push():
        return await cs.send_text("o", "x")

    asyncio.run(push())
    now[0] = 7200 - 300 - 1  # still inside expires_in minus the margin
    asyncio.run(push())
    assert len(api.hits("/cgi-bin/token")) == 1
    now[0] = 7200 - 300 + 1
    asyncio.run(push())
    assert len(api.hits("/cgi-bin/token")) == 2


@pytest.mark.parametrize("code, words", [(45015, "window"), (45047, "quota"), (45002, "too long")])
def test_refusals_are_logged_not_raised(api, caplog, code, words):
    api.send_errors = [code]
    with caplog.at_level(logging.WARNING, logger="qa_service.wechat.customer_service"):
        assert asyncio.run(service(api).send_text("o-user", "内容")) is False
    assert words in caplog.text and str(code) in caplog.text
    assert len(api.hits("/cgi-bin/message/custom/send")) == 1, "a refusal is not retried"
    assert SECRET not in caplog.text


def test_unreachable_api_is_logged_not_raised(caplog):
    cs = CustomerService(f"http://127.0.0.1:{free_port()}", APPID, SECRET, timeout=1)
    with caplog.at_level(logging.ERROR):
        assert asyncio.run(cs.send_text("o-user", "内容")) is False
    assert "push to o-user failed" in caplog.text
    assert SECRET not in caplog.text


def test_missing_secret_is_refused():
    with pytest.raises(ValueError):
        CustomerService("http://127.0.0.1:1", APPID, "")
