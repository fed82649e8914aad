"""The unit registry (corpus/units.yaml): every name a plan or a question may use for a unit."""

from __future__ import annotations

import pytest

from graph.errors import GraphError
from graph.unit_registry import KINDS, UnitRegistry


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    return UnitRegistry.load()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("区教体局", "区教体局"),
        ("教体局", "区教体局"),
        ("淮阴区教育体育局", "区教体局"),
        ("区教育局", "区教体局"),
        ("教育局", "区教体局"),
        ("淮阴区教育局", "区教体局"),
        ("卫健委", "区卫健委"),
        ("卫生健康委员会", "区卫健委"),
        ("区卫生健康委员会", "区卫健委"),
        ("市管局", "区市管局"),
        ("市场监督管理局", "区市管局"),
        ("文广旅局", "区文广旅局"),
        ("文化广电和旅游局", "区文广旅局"),
        ("人社局", "区人社局"),
        ("人力资源和社会保障局", "区人社局"),
        ("住建局", "区住建局"),
        ("住房和城乡建设局", "区住建局"),
        ("发改委", "区发改委"),
        ("发展和改革委员会", "区发改委"),
        ("工信局", "区工信局"),
        ("工业和信息化局", "区工信局"),
        ("科协", "区科协"),
        ("科学技术协会", "区科协"),
        ("淮阴区科协", "区科协"),
        ("团区委", "团区委"),
        ("共青团淮阴区委员会", "团区委"),
        ("总工会", "区总工会"),
        ("妇联", "区妇联"),
        ("妇女联合会", "区妇联"),
        ("融媒体中心", "区融媒体中心"),
        ("应急局", "区应急管理局"),
        ("应急管理局", "区应急管理局"),
        ("农业局", "区农业农村局"),
        ("水利局", "区水利局"),
        ("气象局", "区气象局"),
        ("民政局", "区民政局"),
        ("交通运输局", "区交通局"),
        ("财政局", "区财政局"),
        ("商务局", "区商务局"),
        ("科学技术局", "区科技局"),
        ("宣传部", "区委宣传部"),
        ("淮阴区委宣传部", "区委宣传部"),
        ("文明办", "区文明办"),
        ("组织部", "区委组织部"),
        ("党校", "区委党校"),
        ("生态环境局", "淮阴生态环境局"),
        ("环保局", "淮阴生态环境局"),
        ("自然资源局", "市自然资源和规划局淮阴分局"),
        ("自然资源和规划局", "市自然资源和规划局淮阴分局"),
        ("公安局", "区公安分局"),
        ("司法局", "区司法局"),
        ("审计局", "区审计局"),
        ("统计局", "区统计局"),
        ("残联", "区残联"),
        (" 科协 ", "区科协"),
    ],
)
def test_canonical_names(registry, written, canonical):
    assert registry.canonical(written) == canonical


def test_other_levels_and_unknown_names_stay_unknown(registry):
    for name in ("市科协", "市教育局", "团市委", "省科技厅", "天气", "", "区"):
        assert registry.canonical(name) is None, name


def test_units_have_full_names_aliases_and_kinds(registry):
    units = {u.canonical: u for u in registry.units()}
    assert units["区教体局"].full_name == "淮阴区教育体育局" and "教体局" in units["区教体局"].aliases
    assert units["团区委"].full_name == "共青团淮阴区委员会"
    assert (units["区委宣传部"].kind, units["区科协"].kind, units["各镇"].kind, units["高新区"].kind) == (
        "party",
        "mass_organisation",
        "local",
        "zone",
    )
    assert all(u.kind in KINDS for u in units.values())
    assert registry.full_name("卫健委") == "淮阴区卫生健康委员会"
    assert registry.full_name("没有这个单位") == "没有这个单位"


def test_surface_forms_cover_aliases_and_prefixed_variants(registry):
    forms = registry.all_surface_forms()
    assert forms["教体局"] == forms["淮阴区教育体育局"] == forms["淮阴区教体局"] == "区教体局"
    assert forms["区卫生健康委员会"] == "区卫健委"
    assert all(registry.get(c) for c in forms.values())


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("卫生健康委员会负责哪些措施", [("区卫健委", 0, 7)]),
        ("教体局参与哪些工作", [("区教体局", 0, 3)]),
        ("科协牵头的任务有哪些？", [("区科协", 0, 2)]),
        (
            "宣传部和淮阴区科协、团区委一起负责什么",
            [("区委宣传部", 0, 3), ("区科协", 4, 9), ("团区委", 10, 13)],
        ),
        ("区市场监督管理局的工作", [("区市管局", 0, 8)]),
        ("城镇居民科学素质怎么样", []),
    ],
)
def test_find_in_text_takes_the_longest_form(registry, question, found):
    assert registry.find_in_text(question) == found


def test_fuzzy_handles_typos(registry):
    assert registry.fuzzy("卫建委") == "区卫健委"
    assert registry.fuzzy("区人社居") == "区人社局"
    assert registry.fuzzy("文广旅游局") == "区文广旅局"
    assert registry.fuzzy("今天天气怎么样") is None
    assert registry.fuzzy("卫建委", cutoff=90) is None


def test_bad_registry_files_are_reported(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text("units: [", encoding="utf-8")
    with pytest.raises(GraphError) as info:
        UnitRegistry.load(path)
    assert "单位名录" in info.value.user_message
    path.write_text(
        "units:\n  - canonical: 区科协\n    aliases: [科协]\n  - canonical: 区科技局\n    aliases: [科协]\n",
        encoding="utf-8",
    )
    with pytest.raises(GraphError, match="both"):
        UnitRegistry.load(path)
    path.write_text("units:\n  - canonical: 区科协\n    kind: club\n", encoding="utf-8")
    with pytest.raises(GraphError, match="kind"):
        UnitRegistry.load(path)
    with pytest.raises(GraphError):
        UnitRegistry.load(tmp_path / "missing.yaml")
