"""The chat entry point: bad input, routing between policy answers and the rumour checker."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from graph.unit_registry import UnitRegistry
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.policy.qa import PolicyQA
from tests.qa_service.policy_fixtures import mini_plan

POLICY = PolicyQA([mini_plan()], None, UnitRegistry.load())
KEYS = {"intent", "answer", "confidence", "abstained", "measures", "targets", "units", "citations"}


@dataclass
class FakeRumorResult:
    matched: bool
    confidence: float
    reply: str = "【谣言】隔夜菜正常冷藏后食用不会致癌。（来源：科普中国）"

    def to_json(self) -> dict:
        return {"matched": self.matched, "verdict": "谣言" if self.matched else None, "reply": self.reply,
                "materials": [], "confidence": self.confidence}


@dataclass
class FakeRumorChecker:
    known: dict[str, float] = field(default_factory=dict)  # message -> confidence of a match
    calls: list = field(default_factory=list)

    def check(self, text: str, log_unanswered: bool = True):
        self.calls.append((text, log_unanswered))
        for key, confidence in self.known.items():
            if key in text:
                return FakeRumorResult(True, confidence)
        return FakeRumorResult(False, 0.05, "暂时还没有经过核实的相关科普材料。")

    def log_unanswered(self, text: str, result) -> None:
        self.calls.append((text, True))


class BrokenChecker:
    def check(self, text: str, log_unanswered: bool = True):
        raise RuntimeError("index missing")


def service(rumor=None) -> ChatService:
    return ChatService(POLICY, InMemorySessionStore(), rumor)


@pytest.mark.parametrize("question, problem_words", [
    ("", "不能为空"),
    ("   ", "不能为空"),
    ("谁" * 501, "过长"),
    ("？？？！！！", "没有识别到文字"),
    ("😀😀👍", "没有识别到文字"),
    ("Who leads the science base programme?", "中文"),
    ("<script>alert('x')</script>", "没有识别到文字"),
])
def test_bad_input_gets_a_clear_chinese_answer(question, problem_words):
    r = service().answer(question)
    assert set(r) == KEYS and r["intent"] == "invalid" and r["abstained"]
    assert problem_words in r["answer"]


def test_html_around_a_real_question_is_stripped():
    r = service().answer("<p>谁负责<b>科普教育基地建设</b>？</p>")
    assert r["measures"][0]["title"] == "强化科普教育基地建设"
    assert "<" not in r["answer"]


def test_traditional_characters_and_full_width_punctuation():
    r = service().answer("誰負責科普教育基地建設？")
    assert r["measures"][0]["title"] == "强化科普教育基地建设"
    r = service().answer("每年培育多少高素質農民?")
    assert "3000" in r["answer"]


def test_greeting_gets_a_hint():
    r = service().answer("你好")
    assert r["intent"] == "greeting" and "我可以回答" in r["answer"]


def test_rumour_like_message_goes_to_the_rumour_checker():
    checker = FakeRumorChecker({"隔夜菜": 0.93})
    r = service(checker).answer("隔夜菜会致癌吗")
    assert r["intent"] == "rumor" and r["rumor"]["matched"] is True
    assert r["answer"] == r["rumor"]["reply"] and r["abstained"] is False
    assert set(r) == KEYS | {"rumor"}


def test_confident_policy_answer_does_not_ask_the_rumour_side():
    checker = FakeRumorChecker({"科普": 0.99})
    r = service(checker).answer("谁负责科普教育基地建设？")
    assert r["intent"] == "resp" and checker.calls == []


def test_unmatched_claim_gets_the_rumour_sides_honest_reply_and_is_logged():
    checker = FakeRumorChecker()
    r = service(checker).answer("听说喝醋能软化血管，是真的吗？")
    assert r["intent"] == "rumor" and r["rumor"]["matched"] is False and r["abstained"]
    assert checker.calls[-1][1] is True, "an unanswered claim is logged for the science team"


@pytest.mark.parametrize("question", ["酸奶加热喝了是不是就没营养了", "孩子发烧了要不要捂汗", "喝姜汤能防感冒吗"])
def test_an_everyday_yes_no_question_without_material_is_not_a_policy_decline(question):
    checker = FakeRumorChecker()
    r = service(checker).answer(question)
    assert r["intent"] == "rumor" and r["rumor"]["matched"] is False and "方案中未涉及" not in r["answer"]
    assert checker.calls[-1][1] is True, "logged for the science team"


@pytest.mark.parametrize("question", ["区里会不会建新的科技馆？", "科技馆周末开门吗？"])
def test_a_yes_no_question_about_the_plan_or_its_venues_stays_a_policy_decline(question):
    checker = FakeRumorChecker()
    r = service(checker).answer(question)
    assert r["intent"] != "rumor" and "方案中未涉及" in r["answer"]


def test_out_of_scope_non_claim_stays_a_policy_decline_without_logging():
    checker = FakeRumorChecker()
    r = service(checker).answer("社保卡丢了去哪里补办？")
    assert r["intent"] == "oos" and "方案中未涉及" in r["answer"]
    assert all(logged is False for _, logged in checker.calls), "policy misses are not rumour log entries"


def test_broken_rumour_checker_leaves_policy_answers_working():
    r = service(BrokenChecker()).answer("隔夜菜会致癌吗")
    assert r["intent"] != "rumor" and r["abstained"]
    r = service(BrokenChecker()).answer("应急科普由哪个部门牵头？")
    assert r["intent"] == "lead"


def test_session_state_is_json_and_forget_clears_it():
    sessions = InMemorySessionStore()
    chat = ChatService(POLICY, sessions)
    chat.answer("保障经费投入由哪个部门负责？", "wx-openid-1")
    state = sessions.get("wx-openid-1")
    assert state["focus_unit"] == "区财政局" and state["intent"] == "resp"
    chat.forget("wx-openid-1")
    assert sessions.get("wx-openid-1") is None


def test_administrative_and_who_questions_do_not_go_to_the_rumour_side():
    checker = FakeRumorChecker({"科技馆": 0.99, "停车": 0.99})
    chat = service(checker)
    assert chat.answer("区里的科技馆几点开门？")["intent"] == "oos"
    assert chat.answer("区里的停车收费标准由谁制定？")["intent"] != "rumor"
    assert checker.calls == [], "no rumour lookup for questions no vetted material answers"


def test_definition_questions_may_be_answered_by_material():
    checker = FakeRumorChecker({"转基因": 0.95})
    assert service(checker).answer("什么是转基因？")["intent"] == "rumor"


@dataclass
class VersionedChecker(FakeRumorChecker):
    """A checker that says which index it answers from, as the real one does."""

    current: object = field(default_factory=object)
    calibration: object = field(default_factory=object)

    def index(self):
        return self.current


def test_repeated_questions_come_from_the_cache_until_the_material_changes():
    checker = VersionedChecker()
    chat = service(checker)
    message = "网上说隔夜菜会致癌，是真的吗？"
    first = chat.answer(message)
    assert first["intent"] == "rumor" and first["abstained"]
    assert checker.calls == [(message, False), (message, True)]  # checked, then logged as unanswered
    assert chat.answer(message) == first
    assert checker.calls[2:] == [(message, True)], "a repeat is only logged again for the science team"
    first["answer"] = "a caller changing its copy"
    assert chat.answer(message)["answer"] != "a caller changing its copy"
    checker.known["隔夜菜"] = 0.93  # new vetted material is published: a new index generation
    checker.current = object()
    fresh = chat.answer(message)
    assert fresh["rumor"]["matched"] and "不会致癌" in fresh["answer"]
    assert checker.calls[-1] == (message, False), "the new generation is checked afresh"


def test_follow_ups_are_answered_from_the_conversation_not_the_cache():
    chat = service(VersionedChecker())
    chat.answer("谁负责科普教育基地建设？", "s-1")
    follow = chat.answer("那牵头的是哪个单位？", "s-1")
    alone = chat.answer("那牵头的是哪个单位？")
    assert follow["measures"] and follow["measures"][0]["title"] == "强化科普教育基地建设"
    assert alone != follow


@dataclass
class SuggestingChecker:
    """A checker that is not sure: it suggests the material it thinks the asker means."""

    calls: list = field(default_factory=list)
    logged: list = field(default_factory=list)

    def check(self, text: str, log_unanswered: bool = True):
        self.calls.append(text)
        return SuggestionResult()

    def log_unanswered(self, text: str, result) -> None:
        self.logged.append(text)


@dataclass
class SuggestionResult:
    def to_json(self) -> dict:
        return {"matched": False, "verdict": None, "level": "suggested", "confidence": 0.4, "materials": [],
                "reply": "您说的是不是“喝醋能软化血管吗？”？回复 1 查看核实结果。",
                "suggestion": {"id": "health-vinegar-soften-vessels", "title": "喝醋能软化血管吗？",
                               "reply": "【谣言】喝醋能软化血管吗？\n醋不能软化血管。（依据：中国营养学会）"}}


def test_a_suggestion_is_a_question_back_and_reply_1_gets_the_rebuttal():
    checker = SuggestingChecker()
    chat = service(checker)
    first = chat.answer("厨房里那瓶酸的每天喝一小盅血管就软了", session_id="openid-1")
    assert first["intent"] == "rumor" and first["abstained"], "a suggestion is never a verdict"
    assert checker.logged, "a suggested (not confirmed) claim still goes to the science team's log"
    assert first["answer"].startswith("您说的是不是") and "回复 1" in first["answer"]
    second = chat.answer("1", session_id="openid-1")
    assert second["intent"] == "rumor" and not second["abstained"]
    assert second["answer"].startswith("【谣言】喝醋能软化血管吗？"), "reply 1 should give the suggested rebuttal"
    third = chat.answer("1", session_id="openid-1")
    assert "【谣言】" not in third["answer"], "the suggestion is used once; a second 1 is a new message"


def test_reply_1_without_a_suggestion_is_an_ordinary_message():
    chat = service(SuggestingChecker())
    body = chat.answer("1", session_id="openid-2")
    assert "【谣言】" not in body["answer"]
