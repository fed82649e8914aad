"""Policy answers on hand-built records: units, lead, targets, structure, citations, abstaining."""

from __future__ import annotations

import copy
import json

import pytest

from graph.unit_registry import UnitRegistry
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.policy.qa import PolicyQA
from tests.qa_service.policy_fixtures import BigramEncoder, mini_plan

REGISTRY = UnitRegistry.load()


@pytest.fixture(scope="module")
def chat():
    # Lexical mode: the hybrid calibration belongs to the real model (see test_policy_quality.py).
    policy = PolicyQA([mini_plan()], None, REGISTRY)
    assert policy.answerer.mode == "lexical"
    return ChatService(policy, InMemorySessionStore())


def ask(chat, question, session=None):
    response = chat.answer(question, session)
    json.dumps(response, ensure_ascii=False)  # the HTTP body must serialise
    return response


def test_who_is_responsible_names_lead_partners_locals_and_clause(chat):
    r = ask(chat, "谁负责科普教育基地建设？")
    assert r["intent"] == "resp" and not r["abstained"]
    assert [m["title"] for m in r["measures"]] == ["强化科普教育基地建设"]
    assert r["answer"].startswith("【强化科普教育基地建设】牵头单位：区委宣传部；配合单位：区科技局、")
    assert "落实：各镇、各街道、高新区、农科园" in r["answer"] and "（出处：二、（三）3.）" in r["answer"]
    roles = {(u["name"], u["role"]) for u in r["units"]}
    assert ("区委宣传部", "lead") in roles and ("区科协", "co") in roles and ("高新区", "zone") in roles
    cite = r["citations"][0]
    assert cite["clause"] == "二、（三）3." and cite["file"] == "huaiyin_plan.txt" and cite["start"] == 700
    assert set(r["measures"][0]) == set(mini_plan().measures[0].to_json()), "measures are MeasureRecord.to_json()"


def test_who_leads_when_no_lead_is_recorded_says_joint_responsibility(chat):
    r = ask(chat, "智慧助老行动由哪个部门牵头？")
    assert r["intent"] == "lead"
    assert "未明确牵头单位" in r["answer"] and "区科技局、区民政局、区科协共同负责" in r["answer"]
    assert not [u for u in r["units"] if u["role"] == "lead"]


def test_who_leads_lists_lead_units_only(chat):
    r = ask(chat, "应急科普宣教协同机制由哪个部门牵头？")
    assert r["answer"] == "【建立应急科普宣教协同机制】牵头单位：区应急管理局、区委宣传部。（出处：二、（四）1.）"
    assert {u["name"] for u in r["units"]} == {"区应急管理局", "区委宣传部"}


def test_what_a_unit_does_is_grouped_by_chapter(chat):
    r = ask(chat, "区民政局负责哪些工作？")
    assert r["intent"] == "reverse"
    assert {m["title"] for m in r["measures"]} == {"实施智慧助老行动", "加强老年人健康科普服务"}
    assert "三、素质提升重点行动：实施智慧助老行动" in r["answer"]
    r = ask(chat, "区委宣传部牵头的任务有哪些？")
    assert r["intent"] == "reverse_lead"
    assert {m["title"] for m in r["measures"]} == {"加大科普创作支持力度", "强化科普教育基地建设", "建立应急科普宣教协同机制"}


@pytest.mark.parametrize("question", ["区委宣传部的全称是什么？", "宣传部是什么单位？", "区委宣传部是什么意思"])
def test_what_a_unit_is_gives_its_full_name_and_part_in_the_plan(chat, question):
    r = ask(chat, question)
    assert r["intent"] == "unit_info" and not r["abstained"], r["answer"]
    involved = ask(chat, "区委宣传部负责哪些工作？")["measures"]
    leads = ask(chat, "区委宣传部牵头哪些工作？")["measures"]
    full = r["units"][0]["full_name"]
    assert full not in ("", "区委宣传部") and full.endswith("宣传部")
    assert r["answer"] == (f"区委宣传部即{full}。方案中参与{len(involved)}项措施，其中牵头{len(leads)}项。"
                           "可以问“区委宣传部负责哪些工作？”查看。")
    ask(chat, question, "unit-info")
    follow = ask(chat, "那它牵头哪些工作？", "unit-info")
    assert [m["title"] for m in follow["measures"]] == [m["title"] for m in leads] and leads


def test_a_unit_that_leads_nothing_is_said_to_lead_nothing(chat):
    r = ask(chat, "区科协的全称是什么？")
    assert r["answer"].startswith("区科协即淮阴区科学技术协会。") and "都不是牵头单位" in r["answer"]


def test_a_question_naming_two_units_answers_for_each_in_the_order_asked(chat):
    r = ask(chat, "区民政局和区委组织部分别负责哪些工作？")
    assert r["intent"] == "reverse" and not r["abstained"]
    first, second = r["answer"].split("\n\n")
    assert first.startswith("区民政局") and "实施智慧助老行动" in first
    assert second.startswith("区委组织部") and "创新学习渠道载体" in second
    assert {m["title"] for m in r["measures"]} == {"实施智慧助老行动", "加强老年人健康科普服务", "创新学习渠道载体"}
    assert [u["name"] for u in r["units"]] == ["区民政局", "区委组织部"]
    assert len(r["citations"]) == 3
    r = ask(chat, "民政局、宣传部牵头哪些工作？")
    assert r["intent"] == "reverse_lead"
    assert "区民政局" in r["answer"] and "没有牵头的措施" in r["answer"]  # one leads nothing, the other three
    assert {m["title"] for m in r["measures"]} == {"加大科普创作支持力度", "强化科普教育基地建设", "建立应急科普宣教协同机制"}


def test_unit_that_leads_nothing_says_so(chat):
    r = ask(chat, "民政局牵头哪些工作？")
    assert r["measures"] == [] and "没有牵头的措施" in r["answer"] and "参与2项" in r["answer"]


def test_targets_keep_original_wording_and_sub_targets(chat):
    r = ask(chat, "每年培育多少高素质农民？")
    assert r["intent"] == "target" and "3000名以上" in r["answer"] and "600名" in r["answer"]
    assert "【实施高素质农民培育工程】" in r["answer"]
    assert r["targets"][0]["value"] == 3000.0
    r = ask(chat, "到2025年科学素质比例要达到多少？")
    assert "17.5%" in r["answer"] and "2025" in r["answer"]


def test_structure_lists_the_measures_of_a_programme(chat):
    r = ask(chat, "科普信息化提升工程包括哪些措施？")
    assert r["intent"] == "structure"
    assert [m["title"] for m in r["measures"]] == ["加大科普创作支持力度", "提升全媒体科学传播能力"]


def test_basis_and_plan_facts(chat):
    r = ask(chat, "这个方案依据哪些文件？")
    assert "国发〔2021〕9号" in r["answer"] and "淮政复〔2022〕54号" in r["answer"]
    r = ask(chat, "这个方案的实施期限是哪几年？")
    assert "2021—2025" in r["answer"] and "征求意见稿" in r["answer"]


@pytest.mark.parametrize("question", ["社保卡丢了去哪里补办？", "今天天气怎么样？", "区里的科技馆几点开门？",
                                      "科协主席是谁？", "区里的停车收费标准由谁制定？"])
def test_out_of_scope_is_declined_not_answered_with_the_nearest_measure(chat, question):
    r = ask(chat, question)
    assert r["abstained"] and r["measures"] == [] and r["citations"] == []
    assert "方案中未涉及" in r["answer"] and "我可以回答" in r["answer"]


def test_follow_ups_resolve_against_the_previous_turn(chat):
    ask(chat, "保障经费投入由哪个部门负责？", "s-1")
    r = ask(chat, "它还负责什么？", "s-1")
    assert r["intent"] == "reverse" and r["units"][0]["name"] == "区财政局"
    ask(chat, "谁负责科普教育基地建设？", "s-2")
    r = ask(chat, "那牵头的是哪个单位？", "s-2")
    assert r["answer"].startswith("【强化科普教育基地建设】牵头单位：区委宣传部")
    ask(chat, "区民政局负责哪些工作？", "s-3")
    r = ask(chat, "那区委组织部呢？", "s-3")
    assert [m["title"] for m in r["measures"]] == ["创新学习渠道载体"]
    chat.forget("s-3")
    r = ask(chat, "那牵头的是哪个单位？", "s-3")
    assert r["abstained"], "after forget() there is nothing to follow up on"


def test_no_plans_loaded_says_so():
    chat = ChatService(PolicyQA([], None, REGISTRY), InMemorySessionStore())
    r = chat.answer("谁负责科普教育基地建设？")
    assert r["abstained"] and "还没有导入任何方案" in r["answer"]


def test_hybrid_mode_ranks_with_embeddings_and_embeds_each_question_once():
    encoder = BigramEncoder()
    policy = PolicyQA([mini_plan()], encoder, REGISTRY)
    assert policy.answerer.mode == "hybrid"
    result = policy.answer("科普信息化提升工程包括哪些措施？")
    assert encoder.queries == 1, "sections and measures share one query embedding"
    ranking = result.debug["rankings"]["section"]
    assert policy.index.section_docs[ranking.top].title == "科普信息化提升工程"
    assert ranking.signals["cos_title"][ranking.top] > 0.5
    measures = policy.answer("老年人健康科普服务由哪些单位负责？").debug["rankings"]["measure"]
    assert policy.index.measures[measures.top].title == "加强老年人健康科普服务"
    assert 0.0 <= measures.probability <= 1.0


def test_unit_of_another_level_is_not_answered_with_the_district_unit(chat):
    r = ask(chat, "市科协负责什么工作？")
    assert r["abstained"] and r["measures"] == [] and "方案中未涉及市科协" in r["answer"]


def test_unit_in_the_registry_but_not_in_the_plan(chat):
    r = ask(chat, "区司法局负责哪些工作？")
    assert r["abstained"] and "未找到单位“区司法局”" in r["answer"]


@pytest.mark.parametrize("question", ["这个方案是哪一年印发的？", "方案适用于哪个区？"])
def test_plan_facts_in_other_words(chat, question):
    r = ask(chat, question)
    assert r["intent"] == "plan_info" and "淮阴区" in r["answer"] and "征求意见稿" in r["answer"]
    assert "9项措施" in r["answer"]


@pytest.mark.parametrize("question", ["方案里一共有多少项措施？", "这份方案的措施总共有几条？"])
def test_how_many_measures_the_plan_has_comes_first(chat, question):
    r = ask(chat, question)
    assert r["answer"].startswith("共9项") and len(r["measures"]) == 9


def test_two_plans_are_told_apart():
    other = copy.deepcopy(mini_plan())
    other.id, other.title = "other-plan", "另一个区科普工作方案"
    for m in other.measures:
        m.id, m.plan = m.id.replace(mini_plan().id, "other-plan"), "other-plan"
    chat = ChatService(PolicyQA([mini_plan(), other], None, REGISTRY), InMemorySessionStore())
    r = ask(chat, "区财政局负责哪些工作？")
    assert len(r["measures"]) == 2
    assert "《淮阴区全民科学素质行动规划实施方案》四、组织实施" in r["answer"]
    assert "《另一个区科普工作方案》四、组织实施" in r["answer"]
    assert ask(chat, "这个方案依据哪些文件？")["answer"].count("依据") == 2
