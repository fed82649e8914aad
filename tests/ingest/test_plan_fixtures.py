"""Plans written in other annotation styles (tests/data/plans)."""

from __future__ import annotations

import pytest

from ingest.plan_parser import parse_plan_file
from tests.ingest.conftest import PLANS_DATA


def titled(plan, title):
    return next(m for m in plan.measures if m.title == title)


@pytest.fixture(scope="module")
def city_plan(registry):
    return parse_plan_file(PLANS_DATA / "city_plan_lead_co.txt", registry=registry)


@pytest.fixture(scope="module")
def halfwidth_plan(registry):
    return parse_plan_file(PLANS_DATA / "halfwidth_plan.txt", registry=registry)


def test_city_plan_header(city_plan):
    assert (city_plan.id, city_plan.region, city_plan.period, city_plan.status) == (
        "city_plan_lead_co", "淮安市", "2022—2025", "送审稿")
    assert city_plan.basis == ["苏政发〔2021〕88号"]
    assert city_plan.basis_titles == ["《江苏省全民科学素质行动规划实施方案（2021—2025年）》"]
    (goal,) = city_plan.goals
    assert (goal.value, goal.unit, goal.qualifier, goal.deadline) == (18.0, "%", "以上", "到2025年")


def test_city_plan_lead_and_cooperating_units(city_plan):
    assert [m.id for m in city_plan.measures] == [
        "city_plan_lead_co/2/1/1", "city_plan_lead_co/2/1/2", "city_plan_lead_co/2/2/1",
        "city_plan_lead_co/2/2/2", "city_plan_lead_co/3/1/p1", "city_plan_lead_co/3/2/1"]
    reform = titled(city_plan, "推进科学教育课程改革")
    assert (reform.lead_units, reform.co_units) == (["市教育局"], ["市科协", "团市委"])
    farmers = titled(city_plan, "实施高素质农民培育工程")
    assert (farmers.lead_units, farmers.co_units) == (["市农业农村局"], ["市人社局", "市科协"])
    assert farmers.local_units == ["各区", "各县级市"]
    assert [(t.value, t.parent) for t in farmers.targets] == [(5000.0, None), (800.0, 0)]
    services = titled(city_plan, "加强农村科普服务")
    assert (services.lead_units, services.co_units) == (["市科协"], ["市农业农村局", "市卫健委"])


def test_city_plan_note_lines_after_the_item(city_plan):
    outdoor = titled(city_plan, "开展校外科学教育活动")
    assert outdoor.responsibility_note == "责任单位：市科协、市教育局，各区、县级市"
    assert (outdoor.lead_units, outdoor.co_units) == ([], ["市科协", "市教育局"])
    assert "责任单位" not in outdoor.text
    funds = titled(city_plan, "保障经费投入")
    assert (funds.lead_units, funds.co_units) == (["市财政局"], ["市科协"])
    members = city_plan.measures[4]
    assert members.path == ["三、", "（一）", ""] and members.co_units == ["各成员单位"]


def test_city_units_are_not_mistaken_for_district_units(city_plan):
    every = {u for m in city_plan.measures for u in m.responsible_units}
    assert not any(u.startswith("区") for u in every), "a city plan's 科技局 is not 区科技局"
    assert {"市科协", "市教育局", "团市委"} <= set(city_plan.unresolved_units)


def test_halfwidth_numbering_and_brackets(halfwidth_plan):
    plan = halfwidth_plan
    assert (plan.title, plan.period, plan.status) == ("淮阴区科普示范工作方案", "2023—2025", "征求意见稿")
    assert [c.label for c in plan.chapters] == ["一、", "二、"]
    assert [s.label for s in plan.sections] == ["（一）", "（二）"]
    assert [m.path for m in plan.measures] == [
        ["二、", "（一）", "1."], ["二、", "（一）", "2."], ["二、", "（一）", "3."],
        ["二、", "（二）", "1."], ["二、", "（二）", "2."]]
    (goal,) = plan.goals
    assert (goal.value, goal.unit, goal.qualifier) == (10.0, "个", "以上")


def test_halfwidth_units(halfwidth_plan):
    station, venues, community, volunteers, training = halfwidth_plan.measures
    assert (station.co_units, station.local_units) == (["区科协", "区教体局"], ["各镇", "各街道"])
    assert "(1)完善开放制度。(2)丰富展教活动。" in venues.text, "sub-items stay in their measure"
    assert (venues.lead_units, venues.co_units, venues.zones) == (
        ["区科技局", "区委宣传部"], ["区文广旅局", "区融媒体中心"], ["高新区"])
    assert community.co_units == ["区卫健委", "区应急管理局", "区气象局"] and community.local_units == ["各街道"]
    assert (volunteers.lead_units, volunteers.co_units) == (["区科协"], ["团区委", "区民政局"])
    assert [(t.value, t.unit, t.parent) for t in volunteers.targets] == [(12000.0, "名", None), (2000.0, "名", 0)]
    assert training.co_units == ["区科协", "区委组织部", "区委党校"]
    assert halfwidth_plan.unresolved_units == []
