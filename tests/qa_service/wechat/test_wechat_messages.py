"""qa_service/wechat/messages.py: what we read from the platform's XML, what we send back."""

from __future__ import annotations

import pytest
import xmltodict

from qa_service.wechat.errors import MalformedXml
from qa_service.wechat.messages import Inbound, parse_message, render_text_reply
from tests.support.wechat_platform import WeChatPlatform

PLATFORM = WeChatPlatform("t")


def test_text_message_fields():
    message = parse_message(PLATFORM.text("o-abc", " 谁负责？ ", msg_id="42", create_time=1700000000))
    assert (message.msg_type, message.from_user, message.to_user) == ("text", "o-abc", PLATFORM.account)
    assert (message.msg_id, message.create_time, message.content) == ("42", "1700000000", "谁负责？")


def test_voice_uses_the_recognition_text():
    assert parse_message(PLATFORM.voice("o", "区科协负责哪些工作")).content == "区科协负责哪些工作"
    assert parse_message(PLATFORM.voice("o", "")).content == ""


def test_events_are_lower_cased():
    message = parse_message(PLATFORM.event("o", "SCAN", "123"))
    assert (message.msg_type, message.event, message.event_key, message.msg_id) == ("event", "scan", "123", "")


def test_dedupe_key_uses_sender_time_and_msg_id():
    a = parse_message(PLATFORM.text("o-a", "x", msg_id="1", create_time=5))
    b = parse_message(PLATFORM.text("o-b", "x", msg_id="1", create_time=5))
    assert a.dedupe_key != b.dedupe_key, "the same MsgId from two users must not collide"
    scan = parse_message(PLATFORM.event("o-a", "SCAN", "1", create_time=5))
    click = parse_message(PLATFORM.event("o-a", "CLICK", "HELP", create_time=5))
    assert scan.dedupe_key.startswith("o-a|5|") and scan.dedupe_key != click.dedupe_key, \
        "two events of one user within a second are two events"


@pytest.mark.parametrize("xml", [
    "<xml><MsgType>text</MsgType>",  # truncated
    "<xml><MsgType>text</MsgType><ToUserName>gh</ToUserName></xml>",  # no FromUserName
    "<xml><MsgType><a>1</a></MsgType><ToUserName>gh</ToUserName><FromUserName>o</FromUserName></xml>",
    "<xml><MsgType>text</MsgType><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>"
    "<CreateTime>soon</CreateTime></xml>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><MsgType>&e;</MsgType></xml>',
    "just text",
])
def test_unusable_xml_is_malformed(xml):
    with pytest.raises(MalformedXml):
        parse_message(xml)


def test_reply_swaps_sender_and_receiver_and_survives_cdata_terminator():
    message = Inbound(msg_type="text", from_user="o-user", to_user="gh_account", create_time="1")
    xml = render_text_reply(message, "a]]>b <tag> & 你好", now=1700000000)
    data = xmltodict.parse(xml)["xml"]
    assert (data["ToUserName"], data["FromUserName"], data["MsgType"]) == ("o-user", "gh_account", "text")
    assert data["CreateTime"] == "1700000000"
    assert data["Content"] == "a]] >b <tag> & 你好"
