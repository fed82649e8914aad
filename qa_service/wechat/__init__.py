"""The WeChat Official Account message server: crypto, messages, replies, dedupe and pushes."""

from qa_service.wechat.crypto import MessageCrypto
from qa_service.wechat.errors import (
    BadSignature,
    MalformedXml,
    NotConfigured,
    UndecryptableMessage,
    UnreadableMessage,
    WeChatError,
)
from qa_service.wechat.handler import WeChatHandler, build_handler
from qa_service.wechat.messages import Inbound, parse_message, render_text_reply
from qa_service.wechat.reply_format import format_reply

__all__ = [
    "BadSignature",
    "Inbound",
    "MalformedXml",
    "MessageCrypto",
    "NotConfigured",
    "UndecryptableMessage",
    "UnreadableMessage",
    "WeChatError",
    "WeChatHandler",
    "build_handler",
    "format_reply",
    "parse_message",
    "render_text_reply",
]
