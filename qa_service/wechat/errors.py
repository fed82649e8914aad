"""Errors of the WeChat endpoint.

    WeChatError                  base; `user_message` is Chinese, `str()` is English for logs
    ├── NotConfigured            no token: the endpoint answers 503
    ├── BadSignature             signature or msg_signature wrong: 403
    └── UnreadableMessage        nothing we can act on: log it, answer "success"
        ├── MalformedXml         broken XML, XXE, entity expansion, missing fields
        └── UndecryptableMessage wrong EncodingAESKey, wrong AppID, mode mismatch
"""

from __future__ import annotations


class WeChatError(Exception):
    user_message = "微信消息处理失败。"


class NotConfigured(WeChatError):
    user_message = "微信公众号接口尚未配置（缺少 Token），请管理员设置 KEPU_WECHAT_TOKEN。"

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message


class BadSignature(WeChatError):
    user_message = "签名校验失败。"


class UnreadableMessage(WeChatError):
    pass


class MalformedXml(UnreadableMessage):
    pass


class UndecryptableMessage(UnreadableMessage):
    pass
