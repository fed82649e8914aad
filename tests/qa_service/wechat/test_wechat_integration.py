"""The real app (real ChatService, real model, the shipped plan) answering over WeChat safe mode."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph.settings import PROJECT_ROOT, Settings
from qa_service.wechat.reply_format import MAX_BYTES
from tests.support.wechat_platform import WeChatPlatform, random_aes_key

PLAN = PROJECT_ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"
MATERIALS = PROJECT_ROOT / "tests" / "data" / "materials_small"
TOKEN, APPID = "kepu-test-token", "wx1234567890abcdef"
OPENID = "oIntegration-1"


def ingest(data_dir: Path) -> None:
    from qa_service.cli import app as cli

    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(data_dir), "ingest", "plan", str(PLAN)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--data-dir", str(data_dir), "ingest", "corpus", str(MATERIALS)])
    assert result.exit_code in (0, 1), result.output  # 1: the deliberately broken samples are rejected


@pytest.mark.slow
def test_real_app_answers_policy_follow_up_and_rumour_over_wechat(data_dir):
    from qa_service.app import create_app

    ingest(data_dir)
    platform = WeChatPlatform(TOKEN, APPID, random_aes_key())
    settings = replace(Settings.from_env(data_dir), wechat_token=TOKEN, wechat_appid=APPID,
                       wechat_aes_key=platform.aes_key, wechat_secret="", redis_url="")
    app = create_app(settings)
    app.state.services.chat.answer("谁负责科普教育基地建设？", None)  # warm the model, as the server does at start-up

    def ask(client: TestClient, question: str):
        started = time.perf_counter()
        response = client.post("/wechat", **platform.request(platform.text(OPENID, question)))
        seconds = time.perf_counter() - started
        assert response.status_code == 200
        reply = platform.read_reply(response.text)
        assert reply is not None, f"no passive reply for {question!r} (took {seconds:.2f} s)"
        assert reply.content_bytes <= MAX_BYTES and reply.to_user == OPENID
        assert seconds < 4.5, f"{question!r} took {seconds:.2f} s, over WeChat's budget"
        return reply.content

    with TestClient(app) as client:
        first = ask(client, "强化科普教育基地建设由哪些单位负责？")
        assert "【强化科普教育基地建设】" in first and "牵头单位：区委宣传部" in first.split("\n"), first
        follow_up = ask(client, "那牵头的是哪个单位？")
        assert "强化科普教育基地建设" in follow_up and "区委宣传部" in follow_up, follow_up
        rumour = ask(client, "吃大蒜可以杀死新冠病毒吗？")
        assert "谣言" in rumour and "大蒜" in rumour, rumour
        assert app.state.services.chat.sessions.get(OPENID) is not None
        response = client.post("/wechat", **platform.request(platform.event(OPENID, "unsubscribe")))
        assert response.text == "success"
        assert app.state.services.chat.sessions.get(OPENID) is None, "unsubscribing must forget the conversation"
