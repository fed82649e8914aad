"""The whole loop in-process: a claim nobody could answer is asked over WeChat and on the web, it
appears in the queue, an editor drafts from the group, another member approves, the WeChat asker
gets the push, the web asker's page finds the answer, and the public gets the new answer.

The chat is the rumour side alone (the real checker over the fixture material with the fake
encoder); the policy side is not part of this loop."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from qa_service.chat.question import Question
from qa_service.routers import policy, wechat
from qa_service.web import ask_page
from tests.qa_service.team.conftest import team_app
from tests.support.wechat_platform import FakeWeChatApi, WeChatPlatform, random_aes_key

APPID = "wx0123456789abcdef"
CLAIM = "每天喝醋能软化血管是真的吗"


class RumorChat:
    """The chat service's rumour branch over the app's real rumour checker."""

    def __init__(self, app):
        self.app = app

    def answer(self, question, session_id=None, check=None):
        text = question.raw if isinstance(question, Question) else question  # the ask page passes its read Question
        rumor = self.app.state.services.rumor.check(text).to_json()
        return {
            "intent": "rumor",
            "answer": rumor["reply"],
            "confidence": rumor["confidence"],
            "abstained": not rumor["matched"],
            "measures": [],
            "targets": [],
            "units": [],
            "citations": [],
            "rumor": rumor,
        }

    def forget(self, session_id):
        pass


@pytest.fixture
def api():
    with FakeWeChatApi() as server:
        yield server


def _hash(client, headers, material_id):
    page = client.get(f"/team/materials/{material_id}", headers=headers)
    return re.search(r'name="base_hash" value="([0-9a-f]*)"', page.text).group(1)


def test_unanswered_claim_to_approved_answer_to_the_askers(settings, members, api):
    platform = WeChatPlatform("tok", APPID, random_aes_key())
    settings = replace(
        settings,
        wechat_token="tok",
        wechat_appid=APPID,
        wechat_aes_key=platform.aes_key,
        wechat_secret="secret",
        wechat_api_base=api.base_url,
    )
    app = team_app(settings, extra_routers=(wechat.router, policy.router, ask_page.router))
    chat = RumorChat(app)
    app.state.services.chat = chat
    app.state.services.wechat.handler.chat = chat
    editor, reviewer = members["editor"].headers, members["reviewer"].headers
    with TestClient(app) as client:
        first = platform.read_reply(
            client.post("/wechat", **platform.request(platform.text("o-asker", CLAIM))).text
        )
        assert "暂时还没有经过核实" in first.content
        web = client.get("/", params={"q": CLAIM})  # the same wording: one group whatever the encoder
        web_id = re.search(r'data-unanswered-id="([0-9a-f]{32})"', web.text).group(1)
        assert client.get(f"/api/followup/{web_id}").json() == {"answered": False}

        queue = client.get("/api/team/queue", headers=editor).json()["groups"]
        group = next(g for g in queue if "喝醋" in g["title"])
        draft = client.get(f"/team/materials/new?group={group['id']}", headers=editor)
        assert CLAIM in draft.text
        made = client.post(
            "/team/materials",
            headers=editor,
            follow_redirects=False,
            data={
                "id": "vinegar-vessels",
                "group": str(group["id"]),
                "title": "喝醋能软化血管吗？",
                "claims": "每天喝醋能软化血管\n听说每天喝醋能软化血管",
                "verdict": "谣言",
                "summary": "醋进入人体后很快被中和，不能软化血管。",
                "source": "中国营养学会《中国居民膳食指南（2022）》",
            },
        )
        assert made.status_code == 303, made.text
        client.post("/team/materials/vinegar-vessels/submit", headers=editor)
        approved = client.post(
            "/team/materials/vinegar-vessels/approve",
            headers=reviewer,
            follow_redirects=False,
            data={"base_hash": _hash(client, reviewer, "vinegar-vessels")},
        )
        assert approved.status_code == 303, approved.text

        deadline = time.monotonic() + 20  # the approval kicked the push thread
        while not api.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        [pushed] = api.sent
        assert (
            pushed.body["touser"] == "o-asker" and "醋进入人体后很快被中和" in pushed.body["text"]["content"]
        )
        followup = client.get(f"/api/followup/{web_id}").json()
        assert followup["answered"] and followup["material_id"] == "vinegar-vessels"
        assert (
            client.post("/api/rumor-check", json={"text": CLAIM}).json()["materials"][0]["id"]
            == "vinegar-vessels"
        )
        closed = client.get("/api/team/queue?status=closed", headers=editor).json()["groups"]
        assert any(g["id"] == group["id"] and g["material_id"] == "vinegar-vessels" for g in closed)
