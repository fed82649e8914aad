"""Quantitative targets: what staff ask (how many, by when, how often)."""

from __future__ import annotations

import pytest

from ingest.targets import extract_targets


def one(text):
    targets = extract_targets(text)
    assert len(targets) == 1, f"expected one target in {text!r}, got {targets}"
    return targets[0]


def test_plan_level_goal(shipped_plan):
    (goal,) = shipped_plan.goals
    assert (goal.value, goal.unit, goal.qualifier, goal.deadline) == (17.5, "%", "超过", "2025年")
    assert "公民具备科学素质比例" in goal.subject
    assert shipped_plan.goal_text.startswith("2025年，全区公民具备科学素质比例超过17.5%。")


def test_shipped_plan_targets(shipped_plan):
    by_measure = {m.title: m.targets for m in shipped_plan.measures if m.targets}
    assert sum(len(t) for t in by_measure.values()) + len(shipped_plan.goals) >= 10

    (bases,) = by_measure["强化科普教育基地建设"]
    assert (bases.subject, bases.value, bases.unit, bases.qualifier, bases.deadline) == (
        "新评定市级以上科普教育基地", 15.0, "家", "以上", "到2025年底")
    (schools,) = by_measure["加强校内青少年科学教育"]
    assert (schools.value, schools.unit, schools.deadline) == (2.0, "所", "到2025年底")
    assert "科学教育综合示范学校" in schools.subject

    farmers, leaders = by_measure["实施高素质农民培育工程"]
    assert (farmers.subject, farmers.value, farmers.unit, farmers.qualifier, farmers.period) == (
        "高素质农民", 3000.0, "名", "以上", "每年")
    assert (leaders.subject, leaders.value, leaders.parent, leaders.period) == (
        "现代农业经营主体带头人", 600.0, 0, "每年")

    visits, households = by_measure["加强农村科普与科技服务"]
    assert (visits.value, visits.raw_value, visits.unit, visits.period) == (12000.0, "1.2万", "人次", "每年")
    assert (households.subject, households.value, households.unit) == ("农业科技示范户", 1200.0, "个")

    (degrees,) = by_measure["推进产业工人教育培训"]
    assert (degrees.value, degrees.unit) == (1500.0, "名") and degrees.subject.startswith("农民工和一线职工")

    workers, experts = by_measure["提升产业工人职业技能"]
    assert (workers.subject, workers.value, workers.raw_value, workers.unit) == ("技能劳动者", 15000.0, "1.5万", "名")
    assert (experts.subject, experts.value, experts.unit, experts.period) == ("高技能人才", 1000.0, "名", "每年")


def test_years_document_numbers_and_words_are_not_targets(shipped_plan):
    values = [t.value for m in shipped_plan.measures for t in m.targets] + [g.value for g in shipped_plan.goals]
    assert not any(2000 <= v <= 2040 for v in values), "years are not targets"
    monitoring = next(m for m in shipped_plan.measures if m.title == "完善监测评估体系")
    assert "五年两次" in monitoring.text and monitoring.targets == []
    assert extract_targets("根据国发〔2021〕9号和淮政复〔2022〕54号文件，（2021—2025年）") == []
    assert extract_targets("围绕“333”现代产业体系，新建5G网络，召开二十大。") == []


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("科普场馆达到10座左右", 10.0, "座", "左右"),
        ("培训人员不少于500人次", 500.0, "人次", "不少于"),
        ("建成科普示范社区１０个以上", 10.0, "个", "以上"),
        ("覆盖率超过85.5%", 85.5, "%", "超过"),
        ("吸引3万名青少年参与", 30000.0, "名", None),
        ("投入资金2.5亿元", 250000000.0, "元", None),
    ],
)
def test_values_are_normalised(text, value, unit, qualifier):
    target = one(text)
    assert (target.value, target.unit, target.qualifier) == (value, unit, qualifier)


def test_deadline_period_and_effort():
    target = one("力争到2025年，建成青少年科学工作室20个。")
    assert (target.deadline, target.value, target.unit, target.subject) == ("到2025年", 20.0, "个", "青少年科学工作室")
    assert one("每季度开展一次主题科普活动，全年不少于4场。").period == "全年"
    assert one("力争培育科普人才100名。").qualifier == "力争"


def test_sub_target_points_at_its_parent():
    first, second, third = extract_targets("招募科技志愿者1.2万名，其中专业技术人员2000名。建成站点50个。")
    assert (first.parent, second.parent, third.parent) == (None, 0, None)
    assert second.subject == "专业技术人员" and first.value == 12000.0


@pytest.mark.parametrize("text", [
    "符合条件的OPC可享受租金优惠，优惠期不超过36个月。",
    "按照上年度研发投入的50%给予补助。",
    "最高可按照投融资机构投资金额的50%给予配套支持。",
])
def test_support_terms_and_rates_are_no_targets(text):
    from ingest.targets import is_provision

    found = extract_targets(text)
    assert found and all(is_provision(t) for t in found), [(t.text, t.unit) for t in found]


def test_a_floor_to_reach_stays_a_target():
    from ingest.targets import is_provision

    found = extract_targets("每年发布应用场景，单个场景投入不低于5万元。")
    assert [is_provision(t) for t in found] == [False]


def test_goals_share_the_date_their_paragraph_opens_with_and_brackets_keep_their_commas():
    found = extract_targets(
        "到2028年年底，全市OPC（即依托个人或微型团队、独立完成全流程的新型创业组织，以下简称OPC）数量突破100家；"
        "建设市级平台，建成OPC社区不少于5个。"
    )
    assert [(t.raw_value + t.unit, t.deadline) for t in found] == [("100家", "到2028年年底"), ("5个", "到2028年年底")]
    assert found[0].text.endswith("数量突破100家")


def test_computing_power_and_numbers_in_words_after_a_floor():
    assert [(t.value, t.unit) for t in extract_targets("到2027年调度算力规模超5000P。")] == [(5000.0, "P")]
    assert [(t.value, t.unit) for t in extract_targets("打造不少于两万平方米的智创空间。")] == [(20000.0, "平方米")]
    assert extract_targets("每五年两次。") == []


def test_who_qualifies_is_no_target():
    from ingest.targets import is_provision

    found = extract_targets("对正常经营36个月以上的OPC给予补贴。")
    assert found and all(is_provision(t) for t in found)
