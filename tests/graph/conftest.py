"""A small plan built by hand, shaped like the shipped 淮阴区 plan (no parser needed)."""

from __future__ import annotations

import copy

import pytest

from graph.records import (
    ChapterRecord,
    MeasureRecord,
    PlanRecord,
    SectionRecord,
    SourceSpan,
    TargetRecord,
)

SOURCE = "corpus/plans/sample_plan.txt"


def make_plan(
    plan_id: str = "sample-2021-2025", title: str = "样例区全民科学素质行动规划实施方案"
) -> PlanRecord:
    measures = [
        MeasureRecord(
            id=f"{plan_id}/2/1/1",
            plan=plan_id,
            path=["二、", "（一）", "1."],
            title="建立完善科技资源科普化机制",
            text="建立完善科技资源科普化机制。建立科技人才、科技载体等科技资源科普化机制。",
            chapter_title="科学普及重点工程",
            section_title="科技资源科普化工程",
            responsibility_note="责任单位：区科技局、教体局、科协等，各镇、街道",
            co_units=["区科技局", "区教体局", "区科协"],
            local_units=["各镇", "各街道"],
            source=SourceSpan(SOURCE, 120, 180),
        ),
        MeasureRecord(
            id=f"{plan_id}/2/3/3",
            plan=plan_id,
            path=["二、", "（三）", "3."],
            title="强化科普教育基地建设",
            text="强化科普教育基地建设。到2025年底，新评定市级以上科普教育基地15家以上。",
            chapter_title="科学普及重点工程",
            section_title="科普基础设施工程",
            responsibility_note="责任单位：区委宣传部，区科技局、文广旅局等，高新区、农科园，各镇、街道",
            lead_units=["区委宣传部"],
            co_units=["区科技局", "区文广旅局", "淮阴区未知办"],
            local_units=["各镇", "各街道"],
            zones=["高新区", "农科园"],
            targets=[
                TargetRecord(
                    text="到2025年底，新评定市级以上科普教育基地15家以上",
                    subject="市级以上科普教育基地",
                    value=15.0,
                    raw_value="15",
                    unit="家",
                    qualifier="以上",
                    deadline="到2025年底",
                )
            ],
            source=SourceSpan(SOURCE, 300, 420),
        ),
        MeasureRecord(
            id=f"{plan_id}/3/2/1",
            plan=plan_id,
            path=["三、", "（二）", "1．"],
            title="实施高素质农民培育工程",
            text="实施高素质农民培育工程。每年培育高素质农民3000名以上，其中现代农业经营主体带头人600名。",
            chapter_title="提升重点人群科学素质",
            section_title="农民科学素质提升行动",
            responsibility_note="责任单位：区农业农村局、科协等，各镇、街道",
            co_units=["区农业农村局", "区科协"],
            local_units=["各镇", "各街道"],
            targets=[
                TargetRecord(
                    "每年培育高素质农民3000名以上", "高素质农民", 3000.0, "3000", "名", "以上", None, "每年"
                ),
                TargetRecord(
                    "其中现代农业经营主体带头人600名",
                    "现代农业经营主体带头人",
                    600.0,
                    "600",
                    "名",
                    None,
                    None,
                    "每年",
                    parent=0,
                ),
                TargetRecord(
                    "每年组织1.2万人次农技员进村入户",
                    "农技员进村入户",
                    12000.0,
                    "1.2万",
                    "人次",
                    None,
                    None,
                    "每年",
                ),
            ],
            target_group="农民",
            source=SourceSpan(SOURCE, 500, 640),
        ),
    ]
    return PlanRecord(
        id=plan_id,
        title=title,
        region="样例区",
        period="2021—2025",
        status="征求意见稿",
        basis=["国发〔2021〕9号", "淮政复〔2022〕54号"],
        basis_titles=[
            "《全民科学素质行动规划纲要（2021—2035年）》",
            "《淮安市全民科学素质行动规划实施方案》",
        ],
        goals=[
            TargetRecord(
                "2025年，全区公民具备科学素质比例超过17.5%",
                "公民具备科学素质比例",
                17.5,
                "17.5",
                "%",
                "超过",
                "2025年",
            )
        ],
        goal_text="2025年，全区公民具备科学素质比例超过17.5%。",
        chapters=[
            ChapterRecord(f"{plan_id}/2", "二、", "科学普及重点工程"),
            ChapterRecord(f"{plan_id}/3", "三、", "提升重点人群科学素质"),
        ],
        sections=[
            SectionRecord(f"{plan_id}/2/1", "（一）", "科技资源科普化工程", "二、"),
            SectionRecord(f"{plan_id}/2/3", "（三）", "科普基础设施工程", "二、"),
            SectionRecord(f"{plan_id}/3/2", "（二）", "农民科学素质提升行动", "三、", target_group="农民"),
        ],
        measures=measures,
        source_file=SOURCE,
        unresolved_units=["淮阴区未知办"],
        unit_aliases={"区委宣传部": ["区文明办"], "区科协": ["科协", "区科学技术协会"]},
    )


@pytest.fixture
def sample_plan() -> PlanRecord:
    return make_plan()


@pytest.fixture
def other_plan() -> PlanRecord:
    plan = copy.deepcopy(make_plan("other-2022", "另一区科普实施方案"))
    plan.measures = plan.measures[:2]
    plan.measures[1].lead_units = ["区科协"]
    plan.unresolved_units = []
    return plan


# Bolt server fixtures (bolt_server, bolt_settings, neo4j_store) for the Neo4j backend's tests.
from tests.support.bolt_fixtures import bolt_server, bolt_settings, neo4j_store  # noqa: E402, F401
