"""The small hooks the answering side calls: log an answer (off the answer path), and on WeChat
take a "没用" / "有用" reply right after an answer as its rating."""

from __future__ import annotations

import logging

from graph.db import DatabaseError
from qa_service.team import feedback

log = logging.getLogger(__name__)

UNLOGGED_INTENTS = ("invalid",)
THANKS = {
    "useful": "谢谢您的评价！很高兴这条回答对您有用。",
    "useless": "谢谢您的反馈！科普团队会查看这条回答并改进。也可以直接告诉我们哪里没说清楚。",
}


def record_answer(team, channel: str, asker: str | None, question: str, body: dict) -> str | None:
    """Queue the answer for the team's log; its answer id, or None when it is not logged. Never raises."""
    if team is None or not isinstance(body, dict) or body.get("intent") in UNLOGGED_INTENTS:
        return None
    if not team.settings.answer_log:
        return None
    try:
        return team.recorder.record(channel, asker, question, body)
    except Exception as exc:  # noqa: BLE001 - logging must never cost an answer
        log.warning("answer not logged: %s: %s", type(exc).__name__, exc)
        return None


class WeChatTeamHook:
    """Called by the WeChat handler in its worker thread."""

    def __init__(self, team):  # qa_service.team.services.Team
        self.team = team

    def after_answer(self, openid: str, question: str, body: dict) -> None:
        record_answer(self.team, "wechat", openid, question, body)

    def is_rating(self, text: str) -> bool:
        return feedback.wechat_rating(text) is not None

    def rating_reply(self, openid: str, text: str) -> str | None:
        """The thank-you text when `text` rates this user's last answer; None: answer it as usual."""
        parsed = feedback.wechat_rating(text)
        if parsed is None:
            return None
        try:
            self.team.recorder.flush(2.0)  # the answer being rated may still be on its way to the log
            answer_id = feedback.last_wechat_answer(self.team.db, openid)
            if answer_id is None:
                return None
            feedback.rate(self.team.db, answer_id, parsed[0], parsed[1], "wechat")
        except DatabaseError as exc:
            log.error("WeChat rating not stored: %s", exc)
            return None
        return THANKS[parsed[0]]
