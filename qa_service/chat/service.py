"""The single chat entry point (/api/ask, later the WeChat endpoint): checks the question, keeps
the conversation, and routes between policy answers and the rumour checker."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from graph.lru import GenerationCache
from qa_service.chat.question import Question, read_question
from qa_service.chat.sessions import InMemorySessionStore, SessionStore
from qa_service.policy import answer_format as fmt
from qa_service.policy.intent import has_cue, not_for_rumours
from qa_service.policy.qa import PolicyQA
from qa_service.policy.state import TurnState

log = logging.getLogger(__name__)

ANSWER_CACHE_SIZE = 20_000  # answers remembered per generation of plans and material
_GREETING = re.compile(r"^(你好|您好|嗨|哈喽|在吗|在不在|早上好|晚上好|谢谢|多谢|感谢)[啊呀吗！!。.？?～~\s]*$")
GREETING_ANSWER = "您好！我是科普政策问答助手。" + fmt.HINT
# Messages that ask whether something is true, or pass on a warning: rumour-shaped.
# "Yes, that one" after a suggestion (您说的是不是……？回复 1 查看): WeChat users reply with a digit.
_ACCEPT = re.compile(r"^\s*(1|１|是|是的|对|对的|嗯|好|好的|要|查看)[。！!.～~\s]*$")
_CLAIM = re.compile(r"是真的吗|真的假的|是不是真的|谣言|辟谣|会致癌|致癌吗|有毒吗|能治|转发|紧急通知|据说|网传|听说|朋友圈")
# "酸奶加热了是不是就没营养了", "孩子发烧要捂汗吗": asking whether something holds, about daily life,
# not about the plan: no vetted material is the honest answer, not "方案中未涉及".
_WHETHER = re.compile(r"是不是|会不会|能不能|可不可以|要不要|有没有用|管用吗|有用吗|吗[?？!！。\s]*$|么[?？\s]*$")
_PLAN_DOMAIN = re.compile(r"方案|规划|计划|措施|工作|任务|单位|部门|区里|政府|科协|目标|指标|基地|工程|行动")


def _response(intent: str, answer: str, confidence: float = 0.0, abstained: bool = True, **extra) -> dict:
    body = {"intent": intent, "answer": answer, "confidence": round(float(confidence), 4),
            "abstained": abstained, "measures": [], "targets": [], "units": [], "citations": []}
    body.update(extra)
    return body


class ChatService:
    def __init__(self, policy: PolicyQA, sessions: SessionStore | None = None, rumor=None):
        """`rumor`: the rumour checker (qa_service/rumors/check.py), or None for policy answers only.
        Assembled by qa_service/services.py:build_services."""
        self.policy = policy
        self.sessions = sessions if sessions is not None else InMemorySessionStore()
        self.rumor = rumor
        self.params = policy.params
        self._answers = GenerationCache(ANSWER_CACHE_SIZE)

    def cache_info(self) -> dict:
        return self._answers.info()

    def forget(self, session_id: str) -> None:
        self.sessions.delete(session_id)

    def answer(self, asked: Question | str, session_id: str | None = None) -> dict:
        """`asked`: the question as read by the edge that received it (chat/question.py), or the text
        as typed, read here (WeChat, the CLI): either way it is validated and normalised once."""
        started = time.perf_counter()
        if not isinstance(asked, Question):
            asked = read_question(asked)
        question = asked.raw
        accepted = self._accepted_suggestion(question, session_id)
        if accepted is not None:
            return accepted
        if not asked.ok:
            return _response("invalid", asked.message)
        text = asked.text
        if _GREETING.match(text):
            return _response("greeting", GREETING_ANSWER)
        previous = TurnState.from_json(self.sessions.get(session_id)) if session_id else None
        # A question that does not follow up on an earlier one has one answer per generation of the
        # plans and of the material: repeated questions (the common case) come from the cache.
        generation = self._generation() if previous is None else None
        cached = self._answers.lookup(generation, (text, question)) if generation else None
        if cached is None:
            body, state = self._answer(text, question, previous)
            if generation:
                self._answers.store(generation, (text, question), (body, state))
        else:
            body, state = cached
            if body.get("intent") == "rumor" and body.get("abstained") and _CLAIM.search(text):
                self._log_unanswered(question)  # each asking counts for the science team
        body = dict(body)  # callers may add to the top level; the cached nested parts stay read-only
        if session_id:
            self.sessions.put(session_id, replace(state, question=text, at=time.time()).to_json())
        log.debug("answered intent=%s confidence=%.3f in %.1f ms", body["intent"], body["confidence"],
                  (time.perf_counter() - started) * 1000)
        return body

    def _answer(self, text: str, question: str, previous: TurnState | None) -> tuple[dict, TurnState]:
        """The response body and the conversation state it leaves."""
        result = self.policy.answer(text, previous)
        body = result.to_json()
        rumor = self._rumor_instead(text, question, result)
        if rumor is not None:
            body = _response("rumor", rumor.get("reply") or fmt.OOS_ANSWER, rumor.get("confidence") or 0.0,
                             not rumor.get("matched"), rumor=rumor)
        if rumor is None:
            return body, result.state or TurnState(result.intent)
        # A reply of "1" next turn gets the suggested material's rebuttal.
        return body, TurnState("rumor", suggestion=rumor.get("suggestion") or None)

    def _accepted_suggestion(self, question: str, session_id: str | None) -> dict | None:
        """The suggested material's rebuttal when the asker answers "1" (yes) to "您说的是不是……？"."""
        if not session_id or not _ACCEPT.match(question):
            return None
        previous = TurnState.from_json(self.sessions.get(session_id))
        suggestion = previous.suggestion if previous is not None else None
        if suggestion is None or not suggestion.get("reply"):
            return None
        self.sessions.put(session_id, TurnState("rumor", question=question, at=time.time()).to_json())
        return _response("rumor", suggestion["reply"], 1.0, False,
                         rumor={"matched": True, "level": "accepted_suggestion", "reply": suggestion["reply"],
                                "materials": [{"id": suggestion.get("id"), "title": suggestion.get("title")}]})

    def _generation(self) -> tuple | None:
        """The data answers come from now: the policy index and the rumour checker's index and
        calibration (None while the rumour side has no index; when one appears the tuple changes).
        None (nothing cached) for a rumour checker that cannot say which data it answers from."""
        self.policy.maybe_reload()
        checker = self.rumor
        if checker is None:
            return (self.policy.built, None, None)
        if not (hasattr(checker, "index") and hasattr(checker, "calibration")):
            return None
        try:
            index = checker.index()
        except Exception:  # noqa: BLE001 - not built yet or broken: answers come without it
            index = None
        # The serving view changes when material is withdrawn past its review date (a new day).
        view = index.serving() if hasattr(index, "serving") else None
        return (self.policy.built, index, view, checker.calibration)

    def _rumor_instead(self, text: str, raw: str, result) -> dict | None:
        """The rumour JSON when the message is better answered as a rumour, else None."""
        checker = self.rumor
        if checker is None or result.intent in ("basis", "plan_info", "reverse", "reverse_lead"):
            return None
        if not result.abstained and result.confidence >= 0.8:
            return None  # a confident policy answer: no need to ask the rumour side
        if not_for_rumours(text) and not _CLAIM.search(text):
            return None  # "who is responsible for…", opening hours, fees: a policy decline is right
        try:
            checked = checker.check(raw, log_unanswered=False)
            rumor = checked.to_json()
        except Exception as exc:  # noqa: BLE001 - a broken rumour side leaves policy answers working
            log.warning("rumour check failed (%s: %s)", type(exc).__name__, exc)
            return None
        policy_conf = 0.0 if result.abstained else result.confidence
        rumor_conf = float(rumor.get("confidence") or 0.0)
        if rumor.get("matched") and rumor_conf >= self.params.rumor_min_confidence \
                and rumor_conf > policy_conf + self.params.rumor_margin:
            return rumor
        if result.abstained and rumor.get("level") == "suggested":
            # "您说的是不是……？": better than a policy decline, never a verdict, and still unanswered
            return self._log_unanswered(raw, checked)
        if result.abstained and (_CLAIM.search(text) or self._everyday_whether(text, result)):
            # A claim to verify with no vetted material: the rumour side's honest "not yet checked"
            # reply, and the question goes to its log for the science team.
            return self._log_unanswered(raw, checked)
        return None

    @staticmethod
    def _everyday_whether(text: str, result) -> bool:
        """A yes / no question about daily life: no unit, no policy cue, no word of the plan's domain."""
        return bool(_WHETHER.search(text) and not result.units and not has_cue(text)
                    and not _PLAN_DOMAIN.search(text))

    def _log_unanswered(self, raw: str, checked=None) -> dict | None:
        """Log the claim for the science team: the result already `checked` in this request, or (an
        answer from the cache) a check with logging on; its JSON or None."""
        try:
            if checked is not None:
                self.rumor.log_unanswered(raw, checked)
                return checked.to_json()
            return self.rumor.check(raw).to_json()
        except Exception as exc:  # noqa: BLE001 - a broken rumour side leaves policy answers working
            log.warning("rumour check failed (%s: %s)", type(exc).__name__, exc)
            return None
