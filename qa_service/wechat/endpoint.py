"""The WeChat endpoint's parts: the message crypto (or why it is not configured) and the handler."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from graph.settings import Settings
from qa_service.wechat.crypto import MessageCrypto
from qa_service.wechat.errors import NotConfigured
from qa_service.wechat.handler import DEFAULT_BUDGET_SECONDS, WeChatHandler, build_handler

log = logging.getLogger(__name__)


@dataclass
class WeChatEndpoint:
    handler: WeChatHandler
    crypto: MessageCrypto | None = None
    config_error: NotConfigured | None = None


def build_endpoint(settings: Settings, chat, budget: float = DEFAULT_BUDGET_SECONDS) -> WeChatEndpoint:
    """The endpoint for `settings`, answering with `chat` (built by qa_service/services.py)."""
    crypto, error = None, None
    try:
        crypto = MessageCrypto(settings.wechat_token, settings.wechat_appid, settings.wechat_aes_key)
    except NotConfigured as exc:
        error = exc
        if settings.wechat_token:
            log.error("WeChat endpoint disabled: %s", exc)
    handler = build_handler(settings, chat=chat, budget=budget)
    return WeChatEndpoint(handler=handler, crypto=crypto, config_error=error)
