"""Incoming messages as one small dataclass, and text replies rendered with wechatpy's TextReply."""

from __future__ import annotations

import time
from dataclasses import dataclass

from wechatpy.replies import TextReply

from qa_service.wechat.crypto import parse_xml
from qa_service.wechat.errors import MalformedXml
from qa_service.wechat.reply_format import cdata_safe


@dataclass(frozen=True)
class Inbound:
    """What we use of a message or event pushed by the platform."""

    msg_type: str  # text, voice, image, event, ... (lower case)
    from_user: str  # the user's openid
    to_user: str  # our account's original id
    create_time: str
    msg_id: str = ""  # messages only
    content: str = ""  # text Content, or the voice Recognition
    event: str = ""  # subscribe, unsubscribe, scan, click, ... (lower case), events only
    event_key: str = ""

    @property
    def dedupe_key(self) -> str:
        # MsgId alone has collided under load, and events have none: key on sender, time and id
        # (for events: which event, so a SCAN and a CLICK within one second stay two).
        if self.msg_type == "event":
            return f"{self.from_user}|{self.create_time}|event:{self.event}:{self.event_key}"
        return f"{self.from_user}|{self.create_time}|{self.msg_id}"


def _field(root: dict, name: str, required: bool = False) -> str:
    value = root.get(name)
    if value is None:
        if required:
            raise MalformedXml(f"message without <{name}>")
        return ""
    if not isinstance(value, str):
        raise MalformedXml(f"<{name}> is not a text node")
    return value.strip()


def parse_message(xml_text: str) -> Inbound:
    """Raises MalformedXml for broken XML, entity payloads and missing or nested fields."""
    root = parse_xml(xml_text)
    msg_type = _field(root, "MsgType", required=True).lower()
    from_user = _field(root, "FromUserName", required=True)
    to_user = _field(root, "ToUserName", required=True)
    create_time = _field(root, "CreateTime")
    if create_time and not create_time.isdigit():
        raise MalformedXml("CreateTime is not a number")
    content = ""
    if msg_type == "text":
        content = _field(root, "Content")
    elif msg_type == "voice":
        content = _field(root, "Recognition")
    return Inbound(
        msg_type=msg_type,
        from_user=from_user,
        to_user=to_user,
        create_time=create_time,
        msg_id=_field(root, "MsgId"),
        content=content,
        event=_field(root, "Event").lower() if msg_type == "event" else "",
        event_key=_field(root, "EventKey") if msg_type == "event" else "",
    )


def render_text_reply(inbound: Inbound, content: str, now: float | None = None) -> str:
    """The passive reply XML: sender and receiver swapped, content already fitted to 2,048 bytes."""
    reply = TextReply(
        source=cdata_safe(inbound.to_user),
        target=cdata_safe(inbound.from_user),
        time=int(now if now is not None else time.time()),
        content=cdata_safe(content),
    )
    return reply.render()
