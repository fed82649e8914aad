"""Unit names in questions: canonical names, full names, nicknames, typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.unit_registry import UnitRegistry
from graph.unit_resolver import UnitResolver
from ingest.plan_parser import parse_plan_file
from qa_service.chat.question import normalize
from tests.qa_service.policy_fixtures import mini_plan

ROOT = Path(__file__).resolve().parents[3]
RESOLVER = UnitResolver.build([mini_plan()], UnitRegistry.load())


@pytest.mark.parametrize("text, canonical", [
    ("区科协负责哪些工作", "区科协"),
    ("科协", "区科协"),
    ("淮阴区科学技术协会", "区科协"),
    ("区教育体育局参与哪些工作", "区教体局"),
    ("卫生健康委员会负责哪些措施", "区卫健委"),
    ("应急局参与哪些工作", "区应急管理局"),
    ("淮阴区人力资源和社会保障局", "区人社局"),
    ("组织部牵头的工作", "区委组织部"),
    ("区农业农材局负责哪些事", "区农业农村局"),  # typo 材 for 村
    ("区卫建委负责什么", "区卫健委"),  # typo 建 for 健
    (normalize("區委宣傳部牽頭哪些工作"), "区委宣传部"),
])
def test_unit_found_in_question(text, canonical):
    found = [m.canonical for m in RESOLVER.find(text)]
    assert found[:1] == [canonical], f"{text!r} should name {canonical}, found {found}"


def test_other_levels_and_unrelated_words_are_not_units():
    assert RESOLVER.find("市科协负责什么") == [], "the city's association is not 区科协"
    assert RESOLVER.find("区里的科技馆几点开门") == []
    assert RESOLVER.find("城管归哪个部门管") == []


def test_canonical_resolves_any_alias_and_rejects_nonsense():
    assert RESOLVER.canonical("教体局") == "区教体局"
    assert RESOLVER.canonical("区文明办") == "区文明办"
    assert RESOLVER.canonical("完全不存在的单位") is None
    assert RESOLVER.full_name("区科协") == "淮阴区科学技术协会"
    assert "科协" in RESOLVER.aliases("区科协")


def test_graph_units_resolve_without_a_registry():
    bare = UnitResolver.build([mini_plan()], None)
    assert [m.canonical for m in bare.find("区民政局负责哪些工作")] == ["区民政局"]
    assert [m.canonical for m in bare.find("民政局负责哪些工作")] == ["区民政局"], "区 prefix is optional"


CITY_PLANS = {
    name: parse_plan_file(ROOT / "tests" / "data" / "plans" / "real" / f"{name}.txt")
    for name in ("taicang_2026_opc", "zhengzhou_2026_opc_shequ", "wuhan_2026_opc", "hangzhou_2026_opc_draft")
}


@pytest.mark.parametrize("plan, text, canonical", [
    # a city's plan alone: the registry's 区… units are another region's, never read into it
    ("taicang_2026_opc", "科技局负责什么", "市科技局"),
    ("taicang_2026_opc", "工信局参与几项", "市工信局"),
    # bracketed names answer to their base and to the office inside, in either bracket width
    ("taicang_2026_opc", "组织部参与哪些", "市委组织部（人才办）"),
    ("taicang_2026_opc", "人才办参与哪些", "市委组织部（人才办）"),
    ("taicang_2026_opc", "网信办牵头哪些", "市委宣传部（网信办）"),
    ("taicang_2026_opc", normalize("市政府办（金融）牵头哪些"), "市政府办（金融）"),
    # a department's other written forms: 发改委 for 市发展改革委, 国资委 for 市政府国资委
    ("zhengzhou_2026_opc_shequ", "发改委参与几项", "市发展改革委"),
    ("zhengzhou_2026_opc_shequ", "市发改委参与几项", "市发展改革委"),
    ("zhengzhou_2026_opc_shequ", "国资委参与哪些", "市政府国资委"),
    ("zhengzhou_2026_opc_shequ", "文旅局参与哪些", "市文化广电旅游局"),
    # the short form Chinese makes of a four-character name, and the full name of a short one
    ("hangzhou_2026_opc_draft", "金投集团参与哪些", "市金融投资集团"),
    ("hangzhou_2026_opc_draft", "投促局参与哪些", "市投资促进局"),
    ("wuhan_2026_opc", "人才局参与几项", "市人才工作局"),
    ("wuhan_2026_opc", "市科技创新局参与哪些", "市科创局"),
    ("wuhan_2026_opc", "各区政府落实哪些", "各区人民政府"),
])
def test_a_city_plans_units_by_the_names_people_use(plan, text, canonical):
    resolver = UnitResolver.build([CITY_PLANS[plan]], UnitRegistry.load())
    assert [m.canonical for m in resolver.find(text)][:1] == [canonical]


def test_units_of_another_level_stay_unknown_in_a_city_plan():
    resolver = UnitResolver.build([CITY_PLANS["taicang_2026_opc"]], UnitRegistry.load())
    assert resolver.find("市气象局参与了哪些措施") == []


def test_another_department_one_character_away_is_no_typo():
    # 市民政局 is a department of its own, not a typo of the plan's 市财政局; 人设局 is one of 人社局.
    resolver = UnitResolver.build([CITY_PLANS["hangzhou_2026_opc_draft"]], UnitRegistry.load())
    assert resolver.find("市民政局参与了哪些措施") == []
    assert [m.canonical for m in RESOLVER.find("区人设局负责哪些")][:1] == ["区人社局"]
