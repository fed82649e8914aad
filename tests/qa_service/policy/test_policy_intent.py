"""Question kinds and follow-ups, on the wordings staff and the public use."""

from __future__ import annotations

import pytest

from graph.search.tokenizer import policy_tokenizer
from graph.unit_registry import UnitRegistry
from graph.unit_resolver import UnitResolver
from qa_service.chat.question import normalize
from qa_service.policy import intent as it
from qa_service.policy.intent import classify
from qa_service.policy.state import TurnState

RESOLVER = UnitResolver.build([], UnitRegistry.load())
TOKENIZER = policy_tokenizer()


def kind_of(question: str, previous: dict | None = None) -> it.Intent:
    """`previous`: the session's state as stored (JSON)."""
    text = normalize(question)
    mentions = RESOLVER.find(text)
    bare = text
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        bare = bare[: m.start] + " " + bare[m.end :]
    return classify(text, mentions, TOKENIZER.content_words(bare), TurnState.from_json(previous))


@pytest.mark.parametrize("question, expected", [
    ("谁负责科普教育基地建设？", it.RESP),
    ("把实验室开放成科普基地归谁管？", it.RESP),
    ("教老年人用智能手机是哪个部门负责的？", it.RESP),
    ("培训家庭农场主、合作社带头人是谁负责？", it.RESP),  # 带头人 is not 带头
    ("完善表彰奖励机制由谁牵头，哪些单位配合？", it.RESP),
    ("应急科普由哪个部门牵头？", it.LEAD),
    ("科幻创作这块谁挑头？", it.LEAD),
    ("区科协负责哪些工作？", it.REVERSE),
    ("区教育体育局参与哪些工作？", it.REVERSE),
    ("卫生健康委员会负责哪些措施？", it.REVERSE),
    ("财政局负责啥？", it.REVERSE),
    ("区委宣传部牵头的任务有哪些？", it.REVERSE_LEAD),
    ("每年培育多少高素质农民？", it.TARGET),
    ("到2025年科学素质比例要达到多少？", it.TARGET),
    ("现代农业经营主体带头人每年培育多少名？", it.TARGET),
    ("科普信息化提升工程包括哪些措施？", it.STRUCTURE),
    ("产业工人那部分有哪些工作？", it.STRUCTURE),
    ("这个方案依据哪些文件？", it.BASIS),
    ("这个方案的实施期限是哪几年？", it.PLAN_INFO),
    ("方案现在是什么状态，正式发布了吗？", it.PLAN_INFO),
    ("区里的科技馆几点开门？", it.OOS),
    ("科协主席是谁？", it.OOS),
    ("怎么申请高素质农民补贴？", it.OOS),
    ("今天天气怎么样？", it.OOS),
    ("智慧助老行动", it.TOPIC),
])
def test_question_kind(question, expected):
    assert kind_of(question).kind == expected, f"{question} should be read as {expected}"


def test_reverse_question_names_the_unit_through_aliases_and_typos():
    assert kind_of("淮阴区人力资源和社会保障局负责哪些工作？").unit == "区人社局"
    assert kind_of("区农业农材局负责哪些事？").unit == "区农业农村局"
    assert kind_of("區科協負責哪些工作？").unit == "区科协"


def test_follow_up_who_leads_reuses_the_previous_measures():
    previous = {"intent": "resp", "measure_ids": ["p/2/3/3"], "focus_unit": None}
    intent = kind_of("那牵头的是哪个单位？", previous)
    assert (intent.kind, intent.measure_ids, intent.followup) == (it.LEAD, ["p/2/3/3"], True)


def test_follow_up_it_means_the_unit_of_the_previous_answer():
    previous = {"intent": "resp", "measure_ids": ["p/4/2/3"], "focus_unit": "区财政局"}
    intent = kind_of("它还负责什么？", previous)
    assert (intent.kind, intent.unit) == (it.REVERSE, "区财政局")


def test_follow_up_what_about_another_unit_keeps_the_question():
    intent = kind_of("那区委组织部呢？", {"intent": "reverse_lead", "focus_unit": "区委宣传部"})
    assert (intent.kind, intent.unit) == (it.REVERSE_LEAD, "区委组织部")
    intent = kind_of("那区科协呢？", {"intent": "reverse", "focus_unit": "区民政局"})
    assert (intent.kind, intent.unit) == (it.REVERSE, "区科协")


def test_follow_up_targets_of_the_previous_measure():
    intent = kind_of("有什么量化目标？", {"intent": "resp", "measure_ids": ["p/3/2/2"]})
    assert (intent.kind, intent.measure_ids) == (it.TARGET, ["p/3/2/2"])


def test_a_full_question_does_not_lean_on_the_previous_turn():
    intent = kind_of("应急科普由哪个部门牵头？", {"intent": "resp", "measure_ids": ["p/2/3/3"]})
    assert intent.kind == it.LEAD and not intent.followup and intent.measure_ids == []


def test_without_previous_turn_a_bare_follow_up_has_nothing_to_lean_on():
    intent = kind_of("那牵头的是哪个单位？")
    assert intent.measure_ids == [] and not intent.followup
