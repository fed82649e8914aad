"""Text normalisation applied to anything a person types before it is matched against stored text.

One function, `normalize(text) -> str`: HTML tags and entities out, links out, look-alike
ideographs (Kangxi radicals, CJK compatibility ideographs: 喝⽔ written to slip past keyword
filters) -> the ordinary character, traditional -> simplified Chinese, full-width ASCII ->
half-width, emoji and WeChat sticker codes out, whitespace tidied. Character offsets are not
preserved: normalise for matching, display the original.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import opencc

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|tr|h[1-6]|section|article|blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
# Links end at the first character that cannot be part of a URL; Chinese text right after a link
# (no space, as people type it) is therefore kept.
_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[!#-;=?-~]+", re.I)
_BARE_LINK = re.compile(r"(?<![a-z0-9.-])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|info|cc|me|io)(?:/[!#-;=?-~]*)?", re.I)
# WeChat renders stickers as bracketed names in forwarded text: [捂脸] [强] [OK].
_STICKER = re.compile(r"\[(?:[\u4e00-\u9fff]{1,4}|OK|ok)\]")
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags, symbols & pictographs ext.
    "\u2600-\u27bf"  # miscellaneous symbols, dingbats
    "\u2b00-\u2bff"  # arrows and stars (⭐)
    "\u2300-\u23ff"  # ⌚ ⏰ ⏳
    "\ufe00-\ufe0f"  # variation selectors
    "\u200d\u20e3\u3030\u303d\u3297\u3299"
    "\U000e0020-\U000e007f"  # tag characters of subdivision flags
    "]+"
)
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b\u200c\u200e\u200f\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。！？、；：]) (?=[{_CJK}，。！？、；：])")

# Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs (and their supplement):
# NFKC maps those that have an ordinary twin onto it (⽔ -> 水, ⾦ -> 金); the rest stay.
_LOOKALIKE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]+")

# Full-width ASCII forms (！ to ～) map onto ASCII by a fixed offset.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _strip_markup(text: str) -> str:
    """Remove HTML (keeping its text) and links."""
    if "<" in text and ">" in text:
        text = _SCRIPT_STYLE.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    text = _URL.sub(" ", text)
    return _BARE_LINK.sub(" ", text)


def normalize(text: str) -> str:
    """Normalise user or material text for matching; returns "" when nothing readable is left."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _strip_markup(text)
    text = _LOOKALIKE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _t2s().convert(text)
    text = text.translate(_WIDTH)
    text = _STICKER.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return text.strip()
