"""Answers reshaped for a phone chat bubble and fitted to WeChat's 2,048-byte text limit.

The web answers carry 【title】 headings, inline "1. …；2. …" lists, "；"-joined fields and
"（出处：…）" citations in one long line; on a phone these read better as short lines.
"""

from __future__ import annotations

import re

MAX_BYTES = 2048  # Content over ~2048 UTF-8 bytes is refused (CJK: 3 bytes, emoji: 4)
MORE_POINTER = "……（内容较长，完整内容请访问网页版或换个更具体的问法）"
_SENTENCE_ENDS = "。！？!?；;\n"

# XML 1.0 forbids these even inside CDATA; WeChat's parser rejects the whole reply.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.M)
_MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+", re.M)
_SOURCE = re.compile(r"[（(](出处|依据|来源|措施)[：:]((?:[^（）()\n]|[（(][^（）()\n]*[）)])*)[）)]")
_BEFORE_HEADING = re.compile(r"(?<=[。；;！？!?）])[ \t]*(?=【)")
_HEADING_THEN_FIELD = re.compile(r"^(【[^【】\n]{1,40}】)(?=[^：:\n，,。；;（(]{1,8}[：:])", re.M)
_ITEM = r"(?=\d{1,2}[.．、](?!\d))"
_LIST_START = re.compile(r"([：:])[ \t]*" + _ITEM)
_LIST_NEXT = re.compile(r"[；;][ \t]*" + _ITEM + r"|[ \t]+(?=\d{1,2}[.．](?!\d))")
_FIELD = re.compile(r"^[^：:]{1,8}[：:]")
_LABEL = re.compile(r"^([^：:；;]{1,20}[：:])(.+)$")
_LONG_LINE = 30


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def cdata_safe(text: str) -> str:
    """Text that cannot end a CDATA section early nor carry characters XML forbids."""
    text = _XML_ILLEGAL.sub("", text)
    while "]]>" in text:
        text = text.replace("]]>", "]] >")
    return text


def _split_fields(line: str) -> list[str]:
    """A long "a；b；c" line as short lines: fields one per line, or a label over bullet items."""
    parts = [p.strip() for p in re.split(r"[；;]", line) if p.strip()]
    if len(parts) < 2:
        return [line]
    if all(_FIELD.match(p) for p in parts[1:]):
        return parts
    if len(line) <= _LONG_LINE:
        return [line]
    label = _LABEL.match(parts[0])
    if label and not any(_FIELD.match(p) for p in parts[1:]):
        return [label.group(1), *(f"· {p}" for p in [label.group(2).strip(), *parts[1:]])]
    return parts


def to_plain(text: str) -> str:
    """Short plain-text lines, no HTML or Markdown, for a phone chat bubble."""
    text = _TAG.sub("", text.replace("\r\n", "\n"))
    text = _MD_LINK.sub(r"\1（\2）", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_BULLET.sub("· ", text)
    text = _SOURCE.sub(r"\n\1：\2", text)
    text = _BEFORE_HEADING.sub("\n", text)
    text = _HEADING_THEN_FIELD.sub(r"\1\n", text)
    text = _LIST_START.sub(r"\1\n", text)
    text = _LIST_NEXT.sub("\n", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if lines and lines[-1]:
                lines.append("")
            continue
        lines.extend(_split_fields(line))
    return "\n".join(lines).strip()


def fit(text: str, limit: int = MAX_BYTES, pointer: str = MORE_POINTER) -> str:
    """`text` if it fits in `limit` UTF-8 bytes, else its longest prefix ending a sentence,
    followed by a pointer to the full answer."""
    if utf8_len(text) <= limit:
        return text
    room = limit - utf8_len("\n" + pointer)
    if room <= 0:
        raise ValueError("limit leaves no room for the text")
    head = text.encode("utf-8")[:room].decode("utf-8", "ignore")
    cut = max(head.rfind(mark) for mark in _SENTENCE_ENDS)
    if cut >= len(head) // 3:  # else one huge sentence: cutting mid-sentence beats dropping it
        head = head[: cut + 1]
    return head.rstrip() + "\n" + pointer


def format_reply(answer: str, limit: int = MAX_BYTES) -> str:
    """The answer as it goes into a WeChat text message: plain lines, CDATA-safe, within limit."""
    return fit(cdata_safe(to_plain(answer or "")), limit)
