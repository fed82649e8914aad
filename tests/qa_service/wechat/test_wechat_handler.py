"""qa_service/wechat/handler.py through the endpoint: the 5-second deadline, retries answered once,
late answers pushed through the customer-service API (a local server plays the WeChat API)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings
from qa_service.wechat import texts
from tests.support.wechat_platform import FakeChat, FakeWeChatApi, WeChatPlatform, random_aes_key, wechat_app

TOKEN, APPID, SECRET = "kepu-test-token", "wx1234567890abcdef", "app-secret-1"
OPENID = "oUser-3f9a_Kx"


@pytest.fixture
def platform() -> WeChatPlatform:
    return WeChatPlatform(TOKEN, APPID, random_aes_key())


@pytest.fixture
def api():
    with FakeWeChatApi() as server:
        yield server


def settings_for(tmp_path, platform: WeChatPlatform, api: FakeWeChatApi | None = None) -> Settings:
    extra = {"wechat_secret": SECRET, "wechat_api_base": api.base_url} if api else {}
    return Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key,
                    **extra)


async def apost(client: httpx.AsyncClient, platform: WeChatPlatform, xml: str, delay: float = 0.0):
    """Post `xml` as a fresh request (new nonce, new encryption), as a platform retry does."""
    await asyncio.sleep(delay)
    started = time.perf_counter()
    response = await client.post("/wechat", **platform.request(xml))
    assert response.status_code == 200
    return platform.read_reply(response.text), time.perf_counter() - started


def asgi_client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kepu.test")


def test_a_retry_gets_the_same_reply_and_the_work_runs_once(tmp_path, platform):
    chat = FakeChat()
    xml = platform.text(OPENID, "谁负责科普教育基地建设？", msg_id="1001")
    with TestClient(wechat_app(settings_for(tmp_path, platform), chat)) as client:
        replies = [platform.read_reply(client.post("/wechat", **platform.request(xml)).text) for _ in range(3)]
    assert len(chat.calls) == 1, "WeChat's retries must not run the question again"
    assert replies[0].content == replies[1].content == replies[2].content == "关于“谁负责科普教育基地建设？”的回答。"


def test_same_msg_id_from_two_users_is_two_messages(tmp_path, platform):
    chat = FakeChat()
    with TestClient(wechat_app(settings_for(tmp_path, platform), chat)) as client:
        for openid, question in (("oA", "问题甲"), ("oB", "问题乙")):
            xml = platform.text(openid, question, msg_id="7", create_time=1700000000)
            reply = platform.read_reply(client.post("/wechat", **platform.request(xml)).text)
            assert reply.content == f"关于“{question}”的回答。" and reply.to_user == openid
    assert len(chat.calls) == 2


def test_a_retry_arriving_while_the_first_works_waits_for_the_same_answer(tmp_path, platform):
    chat = FakeChat(delay=0.6)
    app = wechat_app(settings_for(tmp_path, platform), chat, budget=2.0)
    xml = platform.text(OPENID, "区科协负责哪些工作？")

    async def scenario():
        async with asgi_client(app) as client:
            return await asyncio.gather(apost(client, platform, xml), apost(client, platform, xml, delay=0.2))

    (first, _), (retry, _) = asyncio.run(scenario())
    assert len(chat.calls) == 1
    assert first.content == retry.content == "关于“区科协负责哪些工作？”的回答。"


def test_a_slow_answer_is_success_in_time_then_pushed(tmp_path, platform, api):
    chat = FakeChat(delay=0.8)
    app = wechat_app(settings_for(tmp_path, platform, api), chat, budget=0.3)

    async def scenario():
        async with asgi_client(app) as client:
            result = await apost(client, platform, platform.text(OPENID, "谁负责科普教育基地建设？"))
            await api.wait_for_sent_async(1)
            return result

    reply, seconds = asyncio.run(scenario())
    assert reply is None, "a late answer must be 'success' so WeChat shows nothing and does not retry"
    assert seconds < 0.3 + 0.4, f"replied after {seconds:.2f} s, over the budget"
    (push,) = api.sent
    assert push.body == {"touser": OPENID, "msgtype": "text",
                         "text": {"content": "关于“谁负责科普教育基地建设？”的回答。"}}


def test_two_pushes_fetch_the_token_once_and_a_rejected_token_is_refreshed(tmp_path, platform, api):
    chat = FakeChat(delay=0.4)
    app = wechat_app(settings_for(tmp_path, platform, api), chat, budget=0.1)

    async def scenario():
        async with asgi_client(app) as client:
            await apost(client, platform, platform.text("oA", "一"))
            await apost(client, platform, platform.text("oB", "二"))
            await api.wait_for_sent_async(2)
            api.send_errors = [40001]
            await apost(client, platform, platform.text("oC", "三"))
            await api.wait_for_sent_async(3)

    asyncio.run(scenario())
    assert [c.body["touser"] for c in api.sent] == ["oA", "oB", "oC"]
    assert len(api.hits("/cgi-bin/token")) == 2, "one fetch for two pushes, one refresh after errcode 40001"


def test_a_retry_that_gets_the_late_answer_passively_prevents_the_push(tmp_path, platform, api):
    chat = FakeChat(delay=1.2)
    app = wechat_app(settings_for(tmp_path, platform, api), chat, budget=0.8)
    xml = platform.text(OPENID, "谁负责？")

    async def scenario():  # first gives up at 0.8 s, the retry (sent at 1.0 s) waits until 1.8 s
        async with asgi_client(app) as client:
            results = await asyncio.gather(apost(client, platform, xml), apost(client, platform, xml, delay=1.0))
            await asyncio.sleep(0.3)
            return results

    (first, _), (retry, _) = asyncio.run(scenario())
    assert first is None and retry.content == "关于“谁负责？”的回答。"
    assert api.sent == [], "the user already has the answer: pushing it again would duplicate it"
    assert len(chat.calls) == 1


def test_without_app_secret_a_late_answer_gets_a_polite_note(tmp_path, platform):
    chat = FakeChat(delay=0.5)
    with TestClient(wechat_app(settings_for(tmp_path, platform), chat, budget=0.1)) as client:
        reply = platform.read_reply(client.post("/wechat", **platform.request(platform.text(OPENID, "谁？"))).text)
    assert reply.content == texts.TOO_SLOW


def test_the_default_budget_leaves_room_before_wechats_5_seconds(tmp_path, platform):
    app = wechat_app(settings_for(tmp_path, platform), FakeChat())
    assert next(iter(app.dependency_overrides.values()))().handler.budget <= 4.5


def test_a_suggestion_in_wechat_is_answered_by_replying_1(tmp_path, platform):
    """"您说的是不是……？回复 1" then "1" from the same openid gets the rebuttal; another user's 1 does not."""
    from qa_service.chat.service import ChatService
    from qa_service.chat.sessions import InMemorySessionStore
    from tests.qa_service.chat.test_chat import POLICY, SuggestingChecker

    chat = ChatService(POLICY, InMemorySessionStore(), SuggestingChecker())
    with TestClient(wechat_app(settings_for(tmp_path, platform), chat)) as client:
        def send(openid: str, text: str, msg_id: str) -> str:
            xml = platform.text(openid, text, msg_id=msg_id)
            return platform.read_reply(client.post("/wechat", **platform.request(xml)).text).content

        first = send(OPENID, "厨房里那瓶酸的每天喝一小盅血管就软了", "2001")
        assert first.startswith("您说的是不是") and "回复 1" in first
        assert "【谣言】" not in send("oSomeoneElse", "1", "2002"), "a suggestion belongs to its own conversation"
        assert "【谣言】喝醋能软化血管吗？" in send(OPENID, "1", "2003")
