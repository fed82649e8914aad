"""有用 / 没用 on every public answer: the 问答 page's form, /api/feedback, a WeChat "没用" reply
right after an answer; editors see the 没用 ones with question, material or clause, and reason.
Logging and rating never change an answer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qa_service.routers import policy, wechat
from qa_service.web import ask_page
from tests.qa_service.team.answers import rumor_answered
from tests.qa_service.team.conftest import team_app
from tests.support.wechat_platform import FakeChat, WeChatPlatform, random_aes_key

OPENID = "oRater-123"


class RumorChat(FakeChat):
    def answer(self, question, session_id=None, check=None):
        super().answer(question, session_id)
        return rumor_answered("overnight-dishes")


def _app(settings, chat):
    return team_app(settings, extra_routers=(policy.router, ask_page.router), chat=chat)


def test_api_answer_is_unchanged_and_can_be_rated(settings, members):
    chat = RumorChat()
    with TestClient(_app(settings, chat)) as client:
        response = client.post("/api/ask", json={"question": "隔夜菜会致癌吗"})
        assert response.json() == rumor_answered("overnight-dishes"), "the answer body is exactly the chat's"
        answer_id = response.headers["x-kepu-answer-id"]
        rated = client.post(
            "/api/feedback", json={"answer_id": answer_id, "rating": "没用", "reason": "没说清楚剩菜放多久"}
        )
        assert rated.status_code == 200
        bad = client.post("/api/feedback", json={"answer_id": answer_id, "rating": "一般"})
        assert bad.status_code == 422 and "有用" in bad.json()["detail"]
        page = client.get("/team/feedback", headers=members["viewer"].headers)
    assert "隔夜菜会致癌吗" in page.text and "没说清楚剩菜放多久" in page.text
    assert "overnight-dishes" in page.text and "亚硝酸盐" in page.text, (
        "the material and passage used are shown"
    )


def test_the_ask_page_offers_a_rating_form_bound_to_the_visitor(settings, members):
    with TestClient(_app(settings, RumorChat())) as client:
        page = client.get("/", params={"q": "隔夜菜会致癌吗"})
        form = dict(re.findall(r'name="(answer_id|token|q)" value="([^"]*)"', page.text))
        assert form["answer_id"] and form["token"]
        forged = client.post("/feedback", data={**form, "token": "x", "rating": "useless"})
        assert forged.status_code == 403
        done = client.post(
            "/feedback", data={**form, "rating": "useless", "reason": "太短"}, follow_redirects=False
        )
        assert done.status_code == 303 and "rated=useless" in done.headers["location"]
        assert "谢谢您的评价" in client.get(done.headers["location"]).text
        other = TestClient(client.app)  # another visitor (no cookie) cannot reuse the form
        assert other.post("/feedback", data={**form, "rating": "useful"}).status_code == 403
        page = client.get("/team/feedback", headers=members["editor"].headers)
    assert "太短" in page.text


def test_a_wechat_reply_of_meiyong_rates_the_last_answer(settings, members):
    platform = WeChatPlatform("tok", "wx0123456789abcdef", random_aes_key())
    from dataclasses import replace

    settings = replace(
        settings, wechat_token="tok", wechat_appid="wx0123456789abcdef", wechat_aes_key=platform.aes_key
    )
    chat = RumorChat()
    app = team_app(settings, extra_routers=(wechat.router,), chat=chat)
    with TestClient(app) as client:
        first = platform.read_reply(
            client.post("/wechat", **platform.request(platform.text(OPENID, "隔夜菜会致癌吗"))).text
        )
        assert first.content.startswith("【谣言】")
        thanks = platform.read_reply(
            client.post("/wechat", **platform.request(platform.text(OPENID, "没用，没说冰箱里能放几天"))).text
        )
        assert "谢谢您的反馈" in thanks.content
        assert len(chat.calls) == 1, "the rating is not asked as a question"
        stranger = platform.read_reply(
            client.post("/wechat", **platform.request(platform.text("oOther", "没用"))).text
        )
        assert len(chat.calls) == 2 and "谢谢" not in stranger.content, "no answer to rate: answered as usual"
        page = client.get("/team/feedback", headers=members["viewer"].headers)
    assert "没说冰箱里能放几天" in page.text and "微信" in page.text
