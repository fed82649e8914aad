"""POST/GET /wechat, one test per item of ../shared/notes/wechat-protocol.md, the tests acting as
the platform: messages signed and encrypted with wechatpy, replies decrypted and checked."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings
from qa_service.wechat import texts
from qa_service.wechat.reply_format import MAX_BYTES, MORE_POINTER
from tests.support.wechat_platform import FakeChat, WeChatPlatform, random_aes_key, sign, wechat_app

TOKEN, APPID = "kepu-test-token", "wx1234567890abcdef"
OPENID = "oUser-3f9a_Kx"


@pytest.fixture
def aes_key() -> str:
    return random_aes_key()


@pytest.fixture
def platform(aes_key) -> WeChatPlatform:
    return WeChatPlatform(TOKEN, APPID, aes_key)


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


def make_client(settings: Settings, chat=None) -> TestClient:
    return TestClient(wechat_app(settings, chat))


@pytest.fixture
def client(tmp_path, aes_key, chat):
    settings = Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=aes_key)
    with make_client(settings, chat) as test_client:
        yield test_client


def post(client: TestClient, platform: WeChatPlatform, xml: str, path: str = "/wechat"):
    response = client.post(path, **platform.request(xml), follow_redirects=False)
    assert response.status_code == 200, response.text
    return response, platform.read_reply(response.text)


# 1. GET URL check --------------------------------------------------------------------------
def test_url_check_with_the_public_vector_echoes_echostr(tmp_path):
    params = {"timestamp": "1714036504", "nonce": "1514711492", "echostr": "4327814726349823"}
    params["signature"] = sign("AAAAA", params["timestamp"], params["nonce"])
    assert params["signature"].startswith("f464b24f")
    with make_client(Settings(data_dir=tmp_path, wechat_token="AAAAA")) as client:
        response = client.get("/wechat", params=params)
    assert response.status_code == 200 and response.text == "4327814726349823"
    assert response.headers["content-type"].startswith("text/plain")


def test_url_check_with_a_wrong_signature_is_403(client):
    response = client.get("/wechat", params={"signature": "f464b24f" + "0" * 32, "timestamp": "1714036504",
                                             "nonce": "1514711492", "echostr": "x"})
    assert response.status_code == 403 and "x" not in response.text


@pytest.mark.parametrize("path", ["/wechat", "/wechat/"])
def test_both_paths_are_served_without_redirect(client, platform, path):
    response = client.get(path, params=platform.verify_params("echo-1"), follow_redirects=False)
    assert response.status_code == 200 and response.text == "echo-1"
    _, reply = post(client, platform, platform.text(OPENID, "你好"), path=path)
    assert reply is not None


def test_no_token_configured_is_503_with_a_chinese_message(tmp_path, platform):
    with make_client(Settings(data_dir=tmp_path)) as client:
        for response in (client.get("/wechat", params=platform.verify_params("x")),
                         client.post("/wechat", **platform.request(platform.text(OPENID, "你好")))):
            assert response.status_code == 503
            assert "KEPU_WECHAT_TOKEN" in response.json()["detail"] and "配置" in response.json()["detail"]


# 2. Every POST is signed; safe mode adds msg_signature ---------------------------------------
def test_post_with_a_wrong_signature_is_403_and_not_answered(client, platform, chat):
    request = platform.request(platform.text(OPENID, "谁负责？"))
    request["params"]["signature"] = "0" * 40
    assert client.post("/wechat", **request).status_code == 403
    request = platform.request(platform.text(OPENID, "谁负责？"))
    request["params"]["msg_signature"] = "0" * 40
    assert client.post("/wechat", **request).status_code == 403
    assert chat.calls == []


# 3. Crypto: encrypted replies, wrong AppID or key ---------------------------------------------
def test_safe_mode_reply_is_encrypted_signed_and_addressed_back(client, platform, chat):
    response, reply = post(client, platform, platform.text(OPENID, "谁负责科普教育基地建设？"))
    assert "<Encrypt>" in response.text and "谁负责" not in response.text, "safe-mode replies are encrypted"
    # read_reply checked MsgSignature and the AppID inside the ciphertext.
    assert (reply.to_user, reply.from_user, reply.msg_type) == (OPENID, platform.account, "text")
    assert reply.content == "关于“谁负责科普教育基地建设？”的回答。"
    assert reply.content_bytes <= MAX_BYTES
    assert chat.calls == [("谁负责科普教育基地建设？", OPENID)]


def test_plain_mode_reply_is_plain_xml(tmp_path, chat):
    platform = WeChatPlatform(TOKEN)
    with make_client(Settings(data_dir=tmp_path, wechat_token=TOKEN), chat) as client:
        response, reply = post(client, platform, platform.text(OPENID, "区科协负责哪些工作？"))
    assert "<Encrypt>" not in response.text
    assert (reply.to_user, reply.from_user) == (OPENID, platform.account)
    assert reply.content == "关于“区科协负责哪些工作？”的回答。"


def test_wrong_appid_is_logged_and_answered_success(client, aes_key, chat, caplog):
    stranger = WeChatPlatform(TOKEN, "wxSOMEONEELSE00000", aes_key)
    with caplog.at_level(logging.WARNING, logger="qa_service.routers.wechat"):
        response = client.post("/wechat", **stranger.request(stranger.text(OPENID, "谁负责？")))
    assert (response.status_code, response.text) == (200, "success")
    assert "AppID" in caplog.text and chat.calls == []


def test_wrong_aes_key_is_logged_and_answered_success(client, chat, caplog):
    other = WeChatPlatform(TOKEN, APPID, random_aes_key())
    with caplog.at_level(logging.WARNING, logger="qa_service.routers.wechat"):
        response = client.post("/wechat", **other.request(other.text(OPENID, "谁负责？" * 20)))
    assert (response.status_code, response.text) == (200, "success")
    assert "WeChat message ignored" in caplog.text and chat.calls == []


# 4. Message types ----------------------------------------------------------------------------
def test_follow_up_questions_share_the_users_conversation(client, platform, chat):
    post(client, platform, platform.text(OPENID, "谁负责科普教育基地建设？"))
    _, reply = post(client, platform, platform.text(OPENID, "那配合单位呢？"))
    assert "接着上一个问题：谁负责科普教育基地建设？" in reply.content, "the openid must be the session id"
    _, other = post(client, platform, platform.text("oSomeoneElse", "那配合单位呢？"))
    assert "接着上一个问题" not in other.content


def test_voice_with_recognition_is_answered_as_text(client, platform, chat):
    _, reply = post(client, platform, platform.voice(OPENID, "区科协负责哪些工作？"))
    assert reply.content == "关于“区科协负责哪些工作？”的回答。"
    assert chat.calls == [("区科协负责哪些工作？", OPENID)]


def test_voice_without_recognition_asks_again(client, platform, chat):
    _, reply = post(client, platform, platform.voice(OPENID, ""))
    assert reply.content == texts.VOICE_NOT_RECOGNISED and "文字" in reply.content
    assert chat.calls == []


@pytest.mark.parametrize("event_key", ["", "qrscene_123"])
def test_subscribe_gets_a_welcome_with_three_examples(client, platform, event_key):
    _, reply = post(client, platform, platform.event(OPENID, "subscribe", event_key))
    assert reply.content == texts.WELCOME
    examples = [q for q in texts.EXAMPLE_QUESTIONS if f"“{q}”" in reply.content]
    assert len(examples) == 3, "the welcome shows three example questions"
    assert "谣言" in reply.content and "方案" in reply.content, "the welcome says what kepu can do"


def test_unsubscribe_forgets_the_conversation(client, platform, chat):
    post(client, platform, platform.text(OPENID, "谁负责科普教育基地建设？"))
    response, reply = post(client, platform, platform.event(OPENID, "unsubscribe"))
    assert response.text == "success" and reply is None
    assert chat.forgotten == [OPENID] and OPENID not in chat.sessions


@pytest.mark.parametrize("kind", ["image", "location", "video", "link"])
def test_other_message_types_get_a_note_of_what_is_accepted(client, platform, chat, kind):
    xml = platform.image(OPENID) if kind == "image" else platform.message_xml(OPENID, kind, {"Title": "t"})
    _, reply = post(client, platform, xml)
    assert reply.content == texts.UNSUPPORTED and "文字" in reply.content and "语音" in reply.content
    assert chat.calls == []


def test_scan_is_success_and_click_is_the_welcome(client, platform):
    response, reply = post(client, platform, platform.event(OPENID, "SCAN", "123"))
    assert response.text == "success" and reply is None
    _, reply = post(client, platform, platform.event(OPENID, "CLICK", "HELP"))
    assert reply.content == texts.WELCOME


# 6. "success" when there is nothing to say, never a 500 or a trace ----------------------------
def test_a_failing_chat_service_gets_a_polite_note_and_no_trace(client, platform, chat, caplog):
    chat.fail = True
    with caplog.at_level(logging.ERROR):
        response, reply = post(client, platform, platform.text(OPENID, "谁负责？"))
    assert reply.content == texts.FAILED
    assert "Traceback" not in response.text and "RuntimeError" not in reply.content
    assert "simulated failure" in caplog.text, "the trace goes to the log only"


def test_without_chat_service_the_user_is_told_to_wait(tmp_path, platform):
    settings = Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_appid=APPID, wechat_aes_key=platform.aes_key)
    with make_client(settings) as client:
        _, reply = post(client, platform, platform.text(OPENID, "谁负责？"))
    assert reply.content == texts.NOT_READY


# 7. Text replies within 2,048 bytes, CDATA-safe ----------------------------------------------
def test_cdata_terminator_in_an_answer_does_not_break_the_reply(client, platform, chat):
    chat.answers["符号"] = "代码 a[b[0]]>c 与 ]]> 都要原样可读。"
    _, reply = post(client, platform, platform.text(OPENID, "符号"))
    assert "]]>" not in reply.content
    assert reply.content == "代码 a[b[0]] >c 与 ]] > 都要原样可读。"


def test_a_5000_char_answer_is_cut_at_a_sentence_under_2048_bytes(client, platform, chat):
    sentence = "区科协牵头组织全国科普日活动，各镇街道配合落实。"
    chat.answers["长"] = (sentence * 300)[:5000]
    _, reply = post(client, platform, platform.text(OPENID, "长"))
    assert reply.content_bytes <= MAX_BYTES, f"{reply.content_bytes} bytes is over WeChat's limit"
    body, pointer = reply.content.rsplit("\n", 1)
    assert pointer == MORE_POINTER and body.endswith(sentence)


def test_answer_markup_reads_as_short_lines(client, platform, chat):
    chat.answers["谁负责科普教育基地建设？"] = (
        "【强化科普教育基地建设】牵头单位：区委宣传部；配合单位：区科协；落实：各镇、各街道。（出处：二、（三）3.）")
    _, reply = post(client, platform, platform.text(OPENID, "谁负责科普教育基地建设？"))
    assert reply.content.split("\n") == ["【强化科普教育基地建设】", "牵头单位：区委宣传部", "配合单位：区科协",
                                         "落实：各镇、各街道。", "出处：二、（三）3."]


# 9. XML safety and body size -------------------------------------------------------------------
XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>'
       '<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>'
          '<MsgType>text</MsgType><Content>&lol9;</Content></xml>')


@pytest.mark.parametrize("payload", [XXE, LAUGHS, "<xml><MsgType>text", "not xml at all"],
                         ids=["xxe", "billion-laughs", "truncated", "not-xml"])
def test_hostile_or_broken_xml_inside_the_envelope_is_success(client, platform, chat, caplog, payload):
    with caplog.at_level(logging.WARNING, logger="qa_service.routers.wechat"):
        response = client.post("/wechat", **platform.request(payload))
    assert (response.status_code, response.text) == (200, "success")
    assert "WeChat message ignored" in caplog.text and chat.calls == []


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_as_the_outer_envelope_is_success(client, platform, chat, payload):
    request = platform.request(platform.text(OPENID, "x"))
    request["content"] = payload.encode()
    response = client.post("/wechat", **request)
    assert (response.status_code, response.text) == (200, "success") and chat.calls == []


@pytest.mark.parametrize("plain", [True, False])
def test_hostile_xml_in_plain_mode_is_success(tmp_path, chat, plain):
    platform = WeChatPlatform(TOKEN)
    with make_client(Settings(data_dir=tmp_path, wechat_token=TOKEN), chat) as client:
        response = client.post("/wechat", **platform.request(XXE if plain else LAUGHS))
    assert (response.status_code, response.text) == (200, "success") and chat.calls == []


def test_body_over_64_kib_is_413(client, platform, chat):
    request = platform.request(platform.text(OPENID, "字" * 30_000))
    assert len(request["content"]) > 64 * 1024
    assert client.post("/wechat", **request).status_code == 413
    chunks = iter([request["content"][:40_000], request["content"][40_000:]])  # no Content-Length
    assert client.post("/wechat", params=request["params"], content=chunks).status_code == 413
    assert chat.calls == []
