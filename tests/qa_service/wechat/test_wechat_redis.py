"""Several workers behind one account: the Redis dedupe store and token cache (a real redis-server).

Each "worker" is its own app instance with its own chat service, sharing only Redis, as
`kepu serve --workers N` processes do.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from graph.settings import Settings
from qa_service.wechat.dedupe import RedisDedupeStore
from tests.support.redis_server import free_port, redis_server, redis_server_session  # noqa: F401
from tests.support.wechat_platform import FakeChat, FakeWeChatApi, WeChatPlatform, random_aes_key, wechat_app

TOKEN, APPID, SECRET = "kepu-test-token", "wx1234567890abcdef", "app-secret-1"
OPENID = "oUser-3f9a_Kx"


def settings_for(tmp_path, platform, redis_url: str, api: FakeWeChatApi | None = None) -> Settings:
    extra = {"wechat_secret": SECRET, "wechat_api_base": api.base_url} if api else {}
    return Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key,
                    redis_url=redis_url, **extra)


def client_of(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kepu.test")


async def apost(client, platform, xml, delay=0.0):
    await asyncio.sleep(delay)
    response = await client.post("/wechat", **platform.request(xml))
    assert response.status_code == 200
    return platform.read_reply(response.text)


@pytest.mark.server
def test_a_retry_on_another_worker_gets_the_same_single_answer(tmp_path, redis_server):  # noqa: F811
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    settings = settings_for(tmp_path, platform, redis_server.url)
    chat_a, chat_b = FakeChat(delay=0.6), FakeChat(delay=0.6)
    worker_a, worker_b = wechat_app(settings, chat_a, budget=2.0), wechat_app(settings, chat_b, budget=2.0)
    xml = platform.text(OPENID, "谁负责科普教育基地建设？")

    async def scenario():
        async with client_of(worker_a) as a, client_of(worker_b) as b:
            first, retry = await asyncio.gather(apost(a, platform, xml), apost(b, platform, xml, delay=0.2))
            late_retry = await apost(b, platform, xml)
            return first, retry, late_retry

    first, retry, late_retry = asyncio.run(scenario())
    assert len(chat_a.calls) + len(chat_b.calls) == 1, "the question must be answered once across workers"
    expected = "关于“谁负责科普教育基地建设？”的回答。"
    assert first.content == retry.content == late_retry.content == expected


@pytest.mark.server
def test_late_answers_are_pushed_once_with_one_shared_access_token(tmp_path, redis_server):  # noqa: F811
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    with FakeWeChatApi() as api:
        settings = settings_for(tmp_path, platform, redis_server.url, api)
        chat_a, chat_b = FakeChat(delay=0.7), FakeChat(delay=0.7)
        worker_a, worker_b = wechat_app(settings, chat_a, budget=0.3), wechat_app(settings, chat_b, budget=0.3)
        xml = platform.text(OPENID, "区科协负责哪些工作？")

        async def scenario():
            async with client_of(worker_a) as a, client_of(worker_b) as b:
                replies = await asyncio.gather(apost(a, platform, xml), apost(b, platform, xml, delay=0.1))
                await api.wait_for_sent_async(1)
                replies.append(await apost(b, platform, platform.text("oOther", "第二个问题")))
                await api.wait_for_sent_async(2)
                await asyncio.sleep(0.2)
                return replies

        replies = asyncio.run(scenario())
    assert replies == [None, None, None], "late answers are 'success' in time"
    assert [c.body["touser"] for c in api.sent] == [OPENID, "oOther"], "each late answer is pushed exactly once"
    assert len(chat_a.calls) + len(chat_b.calls) == 2
    assert len(api.hits("/cgi-bin/token")) == 1, "workers share the access_token through Redis"


@pytest.mark.server
def test_redis_store_semantics(redis_server):  # noqa: F811
    from qa_service.wechat.dedupe import PASSIVE, PUSH, redis_client

    async def scenario():
        store = RedisDedupeStore(redis_client(redis_server.url), ttl=1)
        assert await store.claim("k") and not await store.claim("k")
        assert await store.get_reply("k") is None
        await store.put_reply("k", "")
        assert await store.get_reply("k") == "", "an empty reply ('success') is a reply, not 'in progress'"
        assert await store.claim_delivery("k", PUSH) == PUSH
        assert await store.claim_delivery("k", PASSIVE) == PUSH
        await asyncio.sleep(1.2)
        assert await store.claim("k"), "keys expire with their TTL"
        await store.client.aclose()

    asyncio.run(scenario())


def test_a_dead_redis_does_not_stop_answers(tmp_path, caplog):
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    chat = FakeChat()
    app = wechat_app(settings_for(tmp_path, platform, f"redis://127.0.0.1:{free_port()}/0"), chat)

    async def scenario():
        async with client_of(app) as client:
            return await apost(client, platform, platform.text(OPENID, "谁负责？"))

    with caplog.at_level(logging.ERROR):
        reply = asyncio.run(scenario())
    assert reply.content == "关于“谁负责？”的回答。"
    assert "dedupe store unavailable" in caplog.text
