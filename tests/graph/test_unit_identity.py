"""Which names are one unit: region-relative names belong to their plan's region, central bodies to none."""

from __future__ import annotations

import pytest

from graph.records import MeasureRecord, PlanRecord
from graph.unit_identity import is_national, plan_scope, scope_label, unit_scope, units_of


@pytest.mark.parametrize("name", [
    "教育部", "人力资源社会保障部", "中宣部", "海关总署", "市场监管总局", "税务总局", "国家发展改革委",
    "国务院国资委", "中国科协", "共青团中央", "中国人民银行泰安市分行", "人行湖北省分行", "全国妇联",
])
def test_central_bodies_are_national(name):
    assert is_national(name)


@pytest.mark.parametrize("name", [
    "市发改委", "区科协", "区委宣传部", "县委组织部（人才办）", "省科技厅", "科技厅", "市场监管局",
    "市市场监管局", "通商控股集团", "高新区", "各镇", "团市委", "市委宣传部",
])
def test_region_relative_names_are_not(name):
    assert not is_national(name)


def _plan(plan_id: str, region: str, title: str = "某方案", units=("市发改委",)) -> PlanRecord:
    measure = MeasureRecord(id=f"{plan_id}/1", plan=plan_id, path=["一、"], title="t", text="t",
                            co_units=list(units))
    return PlanRecord(id=plan_id, title=title, region=region, measures=[measure])


def test_a_plan_scopes_its_region_relative_names_to_its_region():
    huaian, shanghai = _plan("a", "淮安市"), _plan("b", "上海市")
    assert unit_scope(huaian, "市发改委") == "淮安市" and unit_scope(shanghai, "市发改委") == "上海市"
    assert unit_scope(huaian, "教育部") == unit_scope(shanghai, "教育部") == ""
    assert set(units_of([huaian, shanghai])) == {("淮安市", "市发改委"), ("上海市", "市发改委")}


def test_national_plans_and_plans_without_a_region():
    national = _plan("n", "", "国务院办公厅关于进一步做好高校毕业生等青年就业创业工作的通知")
    assert plan_scope(national) == "" and scope_label("") == "全国"
    unknown = _plan("u", "", "关于支持OPC发展的若干措施")
    assert plan_scope(unknown) == "plan:u" and scope_label("plan:u") == "u"  # never merged with another place
