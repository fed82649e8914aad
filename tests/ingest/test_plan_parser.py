"""The shipped 淮阴区 plan parsed as district staff would query it."""

from __future__ import annotations

import re

import pytest

from ingest.plan_parser import clean_plan_file, plan_id_from_path
from tests.ingest.conftest import DEV_QUESTIONS, SHARED_QUESTIONS, SHIPPED_PLAN, dev_questions, read_jsonl

FULL_DEV_COPY = DEV_QUESTIONS.parent.parent / "dev_questions.jsonl"
PLAN_ID = "huaiyin_science_literacy_plan_2021-2025_draft"


def by_title(plan, title):
    found = [m for m in plan.measures if m.title == title]
    assert len(found) == 1, f"expected one measure titled {title!r}, found {len(found)}"
    return found[0]


def test_shipped_plan_has_exactly_40_measures(shipped_plan):
    assert len(shipped_plan.measures) == 40
    assert len({m.id for m in shipped_plan.measures}) == 40, "measure ids must be unique"


def test_title_block_and_basis(shipped_plan):
    plan = shipped_plan
    assert plan.id == PLAN_ID
    assert plan.title == "淮阴区全民科学素质行动规划实施方案"
    assert plan.region == "淮阴区"
    assert plan.period == "2021—2025"
    assert plan.status == "征求意见稿"
    assert plan.basis == ["国发〔2021〕9号", "淮政复〔2022〕54号"]
    assert plan.basis_titles == [
        "《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》",
        "《淮安市人民政府关于同意印发淮安市全民科学素质行动规划实施方案（2022—2025年）的批复》",
    ]
    assert plan.source_file == SHIPPED_PLAN.name


def test_chapters_sections_and_target_groups(shipped_plan):
    assert [c.label for c in shipped_plan.chapters] == ["一、", "二、", "三、", "四、"]
    assert shipped_plan.chapters[1].title == "科学普及重点工程"
    groups = {s.title: s.target_group for s in shipped_plan.sections if s.chapter_label == "三、"}
    assert groups == {
        "青少年科学素质提升行动": "青少年",
        "农民科学素质提升行动": "农民",
        "产业工人科学素质提升行动": "产业工人",
        "老年人科学素质提升行动": "老年人",
        "领导干部和公务员科学素质提升行动": "领导干部和公务员",
    }
    assert all(s.target_group is None for s in shipped_plan.sections if s.chapter_label != "三、")
    farmer = by_title(shipped_plan, "实施高素质农民培育工程")
    assert farmer.target_group == "农民"
    assert by_title(shipped_plan, "拓展交流空间").target_group is None


def test_ids_paths_and_titles(shipped_plan):
    first = shipped_plan.measures[0]
    assert first.id == f"{PLAN_ID}/2/1/1"
    assert first.path == ["二、", "（一）", "1."]
    assert first.clause_label == "二、（一）1."
    assert first.title == "建立完善科技资源科普化机制"
    assert first.chapter_title == "科学普及重点工程" and first.section_title == "科技资源科普化工程"
    farmer = by_title(shipped_plan, "实施高素质农民培育工程")  # written "1．" in the plan
    assert farmer.id == f"{PLAN_ID}/3/2/1" and farmer.path == ["三、", "（二）", "1."]
    digital = by_title(shipped_plan, "推进科普数字化发展")  # written "3.推进" without a space
    assert digital.id == f"{PLAN_ID}/2/2/3"
    last = shipped_plan.measures[-1]
    assert last.id == f"{PLAN_ID}/4/3/2" and last.title == "完善表彰奖励机制"
    for measure in shipped_plan.measures:
        assert re.fullmatch(rf"{PLAN_ID}/\d/\d/(\d|p\d)", measure.id), measure.id
        assert "责任单位" not in measure.text, f"{measure.id}: the note belongs in responsibility_note"
        assert measure.text.startswith(measure.title)


def test_unnumbered_paragraphs_with_notes_are_measures(shipped_plan):
    p1, p2 = (m for m in shipped_plan.measures if m.path[2] == "")
    assert (p1.id, p2.id) == (f"{PLAN_ID}/4/1/p1", f"{PLAN_ID}/4/1/p2")
    assert p1.title.startswith("区政府统一领导本方案实施工作")
    assert p1.co_units == ["区全民科学素质工作领导小组成员单位"] and p1.lead_units == []
    assert p2.title.startswith("各镇（街道）负责领导本区域")
    assert (p2.lead_units, p2.co_units, p2.local_units) == ([], [], ["各镇", "各街道"])


def test_spans_point_at_the_clause_in_the_cleaned_text(shipped_plan):
    text = clean_plan_file(SHIPPED_PLAN).text
    previous_end = -1
    for measure in shipped_plan.measures:
        span = measure.source
        assert span.file == SHIPPED_PLAN.name
        assert previous_end < span.start < span.end <= len(text), f"{measure.id}: spans run in order"
        clause = text[span.start : span.end]
        assert measure.title in clause and measure.responsibility_note in clause
        if measure.path[2]:
            assert clause.startswith(measure.path[2][0]), f"{measure.id}: span starts at its number"
        previous_end = span.end


@pytest.mark.parametrize("q", dev_questions("resp"), ids=lambda q: q["title"])
def test_dev_question_responsible_units(shipped_plan, q):
    measure = by_title(shipped_plan, q["title"])
    assert set(measure.responsible_units) == set(q["units"]), q["q"]
    assert measure.lead_units == q.get("lead", []), "one department group means no lead"
    assert measure.local_units == q.get("local", [])
    assert measure.zones == q.get("zones", [])


@pytest.mark.parametrize("q", dev_questions("lead"), ids=lambda q: q["title"])
def test_dev_question_leads(shipped_plan, q):
    assert by_title(shipped_plan, q["title"]).lead_units == q["lead"], q["q"]


@pytest.mark.parametrize("q", dev_questions("reverse", "reverse_lead"), ids=lambda q: q["q"])
def test_dev_question_reverse_lookups(shipped_plan, q):
    if q["type"] == "reverse":
        titles = [m.title for m in shipped_plan.measures if q["unit"] in m.responsible_units]
    else:
        titles = [m.title for m in shipped_plan.measures if q["unit"] in m.lead_units]
    assert sorted(titles) == sorted(q["titles"]), q["q"]


def test_dev_question_structure_and_basis(shipped_plan):
    for q in dev_questions("structure"):
        section = next(s for s in shipped_plan.sections if s.title in q["q"])
        titles = [m.title for m in shipped_plan.measures if m.section_title == section.title]
        assert titles == q["titles"], q["q"]
    for q in dev_questions("basis"):
        assert shipped_plan.basis == q["expect"], q["q"]


def test_dev_copy_in_sync_with_shared_questions():
    if not SHARED_QUESTIONS.exists():
        pytest.skip("the team's shared question file is not in this checkout")
    shared = read_jsonl(SHARED_QUESTIONS)
    assert all(q in shared for q in read_jsonl(DEV_QUESTIONS)), "tests/data copy of dev questions is stale"
    assert read_jsonl(FULL_DEV_COPY) == shared, "tests/data/dev_questions.jsonl differs from the shared file"


def test_units_all_known_and_aliases_recorded(shipped_plan):
    assert shipped_plan.unresolved_units == []
    assert shipped_plan.unit_aliases == {"区委宣传部": ["区文明办"]}
    every = {u for m in shipped_plan.measures for u in m.responsible_units}
    assert {"团区委", "淮阴生态环境局", "市自然资源和规划局淮阴分局", "区委党校", "区融媒体中心"} <= every
    assert not any(u.endswith("等") for u in every)


def test_plan_id_slug():
    assert plan_id_from_path(SHIPPED_PLAN) == PLAN_ID
    assert plan_id_from_path("Some Plan (v2).docx") == "some-plan-v2"
    chinese = plan_id_from_path("淮阴区方案2023.pdf")
    assert chinese.isascii() and chinese.startswith("2023-") and chinese != plan_id_from_path("淮安市方案2023.pdf")
    assert plan_id_from_path("方案.txt").startswith("plan-")
