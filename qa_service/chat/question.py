"""Cleaning and checking what a user typed before anything tries to answer it: `read_question`, once
per request, at the edge that received it (POST /api/ask, the ask page, or the chat service for
WeChat and the CLI); everything downstream takes the typed `Question`.

The policy side matches `Question.text` (NFKC, then the shared graph/text_normalizer.py). The rumour
checker is handed `Question.raw` and applies the shared normaliser alone, as its material index was
built with it: NFKC first would change what some messages match (‼ becomes !!).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from graph.text_normalizer import normalize as _normalize

MAX_QUESTION_CHARS = 500

MSG_EMPTY = "问题不能为空，请输入您想了解的内容。"
MSG_TOO_LONG = f"问题过长（超过{MAX_QUESTION_CHARS}字），请精简后再问。"
MSG_NO_TEXT = "没有识别到文字内容，请用中文描述您的问题，例如“谁负责科普教育基地建设？”。"
MSG_NOT_CHINESE = "目前仅支持中文提问，请用中文描述您的问题，例如“区科协负责哪些工作？”。"

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def normalize(text: str) -> str:
    """Simplified characters, half-width punctuation, no markup; applied to questions and plan alike."""
    return _normalize(unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Question:
    raw: str  # as the user typed it ("" for none)
    text: str  # normalised question, "" when rejected
    problem: str | None = None  # empty | too_long | no_text | not_chinese
    message: str | None = None  # Chinese message for the user

    @property
    def ok(self) -> bool:
        return self.problem is None


def read_question(raw: str | None) -> Question:
    """The one validation and normalisation of a question."""
    if raw is None or not raw.strip():
        return Question(raw or "", "", "empty", MSG_EMPTY)
    if len(raw) > MAX_QUESTION_CHARS:
        return Question(raw, "", "too_long", MSG_TOO_LONG)
    text = normalize(raw)
    if not _HAN.search(text):
        if _LATIN.search(text):
            return Question(raw, "", "not_chinese", MSG_NOT_CHINESE)
        return Question(raw, "", "no_text", MSG_NO_TEXT)
    return Question(raw, text)
