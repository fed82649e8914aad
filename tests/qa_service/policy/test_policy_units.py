"""Unit names in questions: canonical names, full names, nicknames, typos."""

from __future__ import annotations

import pytest

from graph.unit_registry import UnitRegistry
from graph.unit_resolver import UnitResolver
from qa_service.chat.question import normalize
from tests.qa_service.policy_fixtures import mini_plan

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
