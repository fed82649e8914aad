"""qa_service/wechat/crypto.py against messages signed and encrypted by wechatpy as the platform."""

from __future__ import annotations

import base64
import os

import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.crypto.cryptography import WeChatCipher

from qa_service.wechat.crypto import MessageCrypto, sign
from qa_service.wechat.errors import BadSignature, MalformedXml, NotConfigured, UndecryptableMessage
from tests.support.wechat_platform import WeChatPlatform, random_aes_key

TOKEN, APPID = "kepu-token", "wx1234567890abcdef"


def test_public_signature_vector():
    assert sign("AAAAA", "1714036504", "1514711492").startswith("f464b24f"), \
        "the documented vector (token AAAAA) must give a signature beginning f464b24f"


def test_check_accepts_the_platform_signature_and_refuses_others():
    crypto = MessageCrypto("AAAAA")
    crypto.check(sign("AAAAA", "1714036504", "1514711492"), "1714036504", "1514711492")
    with pytest.raises(BadSignature):
        crypto.check("f464b24f" + "0" * 32, "1714036504", "1514711492")
    with pytest.raises(BadSignature):
        crypto.check(None, "1714036504", "1514711492")


def test_no_token_is_not_configured_with_a_chinese_message():
    with pytest.raises(NotConfigured) as info:
        MessageCrypto("")
    assert "KEPU_WECHAT_TOKEN" in info.value.user_message


@pytest.mark.parametrize("key, appid", [("short", APPID), (random_aes_key(), "")])
def test_bad_safe_mode_configuration_is_refused(key, appid):
    with pytest.raises(NotConfigured) as info:
        MessageCrypto(TOKEN, appid, key)
    assert "EncodingAESKey" in info.value.user_message


def test_safe_mode_round_trip_with_the_platform():
    key = random_aes_key()
    platform = WeChatPlatform(TOKEN, APPID, key)
    crypto = MessageCrypto(TOKEN, APPID, key)
    assert crypto.safe_mode
    xml = platform.text("o-user", "谁负责科普教育基地建设？")
    request = platform.request(xml)
    assert crypto.open(request["content"], request["params"]) == xml
    reply = crypto.seal("<xml><Content><![CDATA[好]]></Content></xml>", request["params"]["nonce"])
    envelope = WeChatCrypto(TOKEN, key, APPID)
    import xmltodict

    outer = xmltodict.parse(reply)["xml"]
    assert outer["MsgSignature"] == sign(TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
    assert "好" in envelope.decrypt_message(outer, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])


def test_plain_mode_returns_the_body_and_seals_nothing():
    platform = WeChatPlatform(TOKEN)
    crypto = MessageCrypto(TOKEN)
    request = platform.request(platform.text("o-user", "你好"))
    assert crypto.open(request["content"], request["params"]) == request["content"].decode()
    assert crypto.seal("<xml/>", "1") == "<xml/>"


def test_wrong_msg_signature_is_bad_signature():
    key = random_aes_key()
    request = WeChatPlatform(TOKEN, APPID, key).request("<xml><a>1</a></xml>")
    request["params"]["msg_signature"] = "0" * 40
    with pytest.raises(BadSignature):
        MessageCrypto(TOKEN, APPID, key).open(request["content"], request["params"])


def test_wrong_appid_is_undecryptable():
    key = random_aes_key()
    request = WeChatPlatform(TOKEN, "wxSOMEONEELSE00000", key).request("<xml><a>1</a></xml>")
    with pytest.raises(UndecryptableMessage, match="AppID"):
        MessageCrypto(TOKEN, APPID, key).open(request["content"], request["params"])


def test_wrong_aes_key_is_undecryptable():
    request = WeChatPlatform(TOKEN, APPID, random_aes_key()).request("<xml><a>1</a></xml>" * 5)
    with pytest.raises(UndecryptableMessage):
        MessageCrypto(TOKEN, APPID, random_aes_key()).open(request["content"], request["params"])


def test_struct_error_from_wechatpy_is_caught():
    """A ciphertext that decrypts to padding only makes wechatpy's struct.unpack fail."""
    key = random_aes_key()
    raw_key = base64.b64decode(key + "=")
    cipher_text = WeChatCipher(raw_key).encrypt(os.urandom(16) + bytes([16]) * 16)
    encrypt = base64.b64encode(cipher_text).decode()
    params = {"timestamp": "1", "nonce": "2", "signature": sign(TOKEN, "1", "2"), "encrypt_type": "aes",
              "msg_signature": sign(TOKEN, "1", "2", encrypt)}
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
    with pytest.raises(UndecryptableMessage, match=r"\(error\)"):
        MessageCrypto(TOKEN, APPID, key).open(body, params)


def test_mode_mismatch_is_undecryptable():
    key = random_aes_key()
    plain = WeChatPlatform(TOKEN).request("<xml><a>1</a></xml>")
    with pytest.raises(UndecryptableMessage, match="plain message"):
        MessageCrypto(TOKEN, APPID, key).open(plain["content"], plain["params"])
    safe = WeChatPlatform(TOKEN, APPID, key).request("<xml><a>1</a></xml>")
    with pytest.raises(UndecryptableMessage, match="no EncodingAESKey"):
        MessageCrypto(TOKEN).open(safe["content"], safe["params"])


@pytest.mark.parametrize("body", [
    b"<xml><Encrypt>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>',
    b"<xml><ToUserName>gh</ToUserName></xml>",
    b"\xff\xfe not utf-8",
])
def test_broken_envelopes_are_malformed(body):
    params = {"timestamp": "1", "nonce": "2", "signature": sign(TOKEN, "1", "2"), "encrypt_type": "aes",
              "msg_signature": "x"}
    with pytest.raises(MalformedXml):
        MessageCrypto(TOKEN, APPID, random_aes_key()).open(body, params)
