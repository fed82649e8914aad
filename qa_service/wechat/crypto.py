"""Signatures and safe-mode (AES) envelopes, wrapping wechatpy's WeChatCrypto.

wechatpy 1.8.18 is pinned and unmaintained since 2021, so every way it can fail is turned into
one of our errors here: a wrong EncodingAESKey surfaces as a bare struct.error or a
UnicodeDecodeError, a wrong AppID as InvalidAppIdException, a bad envelope as ValueError or
ExpatError from xmltodict. Nothing of it reaches the HTTP layer.
"""

from __future__ import annotations

import binascii
import hmac
import struct
import time
from collections.abc import Mapping
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import WeChatSigner

from qa_service.wechat.errors import BadSignature, MalformedXml, NotConfigured, UndecryptableMessage

AES_KEY_LENGTH = 43
_BAD_CONFIG = "微信公众号接口配置有误（EncodingAESKey 或 AppID），请管理员检查。"


def sign(*parts: str) -> str:
    """sha1 of the sorted, concatenated parts: the platform's signature and msg_signature."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def parse_xml(text: str) -> dict:
    """The children of the root <xml> element; entities (XXE, billion laughs) are refused by
    xmltodict >= 0.11 with ValueError, which we report like any other broken XML."""
    try:
        document = xmltodict.parse(text)
    except (ExpatError, ValueError) as exc:
        raise MalformedXml(f"unparsable XML: {type(exc).__name__}: {exc}") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise MalformedXml("XML without an <xml> root element with children")
    return root


class MessageCrypto:
    """Verifies and opens incoming bodies, seals replies. Safe mode whenever an AES key is set."""

    def __init__(self, token: str, appid: str = "", aes_key: str = ""):
        if not token:
            raise NotConfigured("KEPU_WECHAT_TOKEN is not set")
        self.token = token
        self.appid = appid
        self._crypto: WeChatCrypto | None = None
        if aes_key:
            if len(aes_key) != AES_KEY_LENGTH:
                raise NotConfigured(f"EncodingAESKey must be {AES_KEY_LENGTH} characters, got {len(aes_key)}",
                                    _BAD_CONFIG)
            if not appid:
                raise NotConfigured("safe mode (EncodingAESKey) needs KEPU_WECHAT_APPID", _BAD_CONFIG)
            try:
                self._crypto = WeChatCrypto(token, aes_key, appid)
            except (AssertionError, binascii.Error, ValueError) as exc:
                raise NotConfigured(f"EncodingAESKey is not valid base64: {exc}", _BAD_CONFIG) from None

    @property
    def safe_mode(self) -> bool:
        return self._crypto is not None

    def check(self, signature: str | None, timestamp: str | None, nonce: str | None) -> None:
        """The URL signature every GET and POST carries; raises BadSignature."""
        if not (signature and timestamp and nonce):
            raise BadSignature("signature, timestamp or nonce missing")
        # Bytes: compare_digest raises TypeError on a str with non-ASCII characters.
        if not hmac.compare_digest(sign(self.token, timestamp, nonce).encode(), signature.lower().encode("utf-8")):
            raise BadSignature("URL signature mismatch")

    def open(self, body: bytes, params: Mapping[str, str]) -> str:
        """The message XML of a verified request body (decrypted in safe mode)."""
        self.check(params.get("signature"), params.get("timestamp"), params.get("nonce"))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedXml("body is not UTF-8") from None
        encrypted = (params.get("encrypt_type") or "raw").lower() == "aes"
        if not self.safe_mode:
            if encrypted:
                raise UndecryptableMessage("encrypted message but no EncodingAESKey is configured")
            return text
        if not encrypted:
            raise UndecryptableMessage("plain message while safe mode (EncodingAESKey) is configured")
        envelope = parse_xml(text)
        if not isinstance(envelope.get("Encrypt"), str):
            raise MalformedXml("safe-mode envelope without <Encrypt>")
        try:
            return self._crypto.decrypt_message(
                envelope, params.get("msg_signature") or "", params["timestamp"], params["nonce"]
            )
        except InvalidSignatureException:
            raise BadSignature("msg_signature mismatch") from None
        except InvalidAppIdException:
            raise UndecryptableMessage("decrypted AppID differs from ours (wrong AppID or EncodingAESKey)") from None
        except (struct.error, UnicodeDecodeError, ValueError, IndexError, TypeError) as exc:
            # ValueError covers binascii.Error (bad base64) and a ciphertext of the wrong length.
            raise UndecryptableMessage(f"cannot decrypt ({type(exc).__name__}): wrong EncodingAESKey?") from None

    def seal(self, reply_xml: str, nonce: str, timestamp: str | None = None) -> str:
        """The reply body: unchanged in plain mode, an encrypted signed envelope in safe mode."""
        if self._crypto is None:
            return reply_xml
        return self._crypto.encrypt_message(reply_xml, nonce, timestamp or str(int(time.time())))
