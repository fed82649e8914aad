"""Plans as other governments write them: each style of numbering, note and name, one realistic text each."""

from __future__ import annotations

import pytest

from ingest.errors import NoStructure
from ingest.plan_parser import parse_plan_file, parse_plan_text
from ingest.responsibility import UnitResolver, find_notes, parse_note
from ingest.unit_names import Conventions, is_catch_all, is_local


def parse(text: str, name: str = "plan"):
    return parse_plan_text(text, f"{name}.txt", name)


def by_title(plan, title):
    found = [m for m in plan.measures if m.title == title]
    assert len(found) == 1, [m.title for m in plan.measures]
    return found[0]


def test_heading_sentence_is_the_title_and_the_text_keeps_it():
    plan = parse(
        "宁海市人民政府办公厅关于支持科普创新的若干意见\n"
        "一、加快阵地建设\n"
        "（一）建设科普实体社区。支持中心城区盘活存量楼宇打造科普社区，每年给予最高200万元补助。"
        "（责任单位：市科协、市发改委）\n"
        "（二）提供线上服务。依托企业综合服务平台设立线上专区。（责任单位：市数据局）\n"
    )
    community = by_title(plan, "建设科普实体社区")
    assert community.text.startswith("建设科普实体社区。支持中心城区")
    assert "责任单位" not in community.text
    assert community.section_title == "建设科普实体社区" and community.path[:2] == ["一、", "（一）"]
    assert community.co_units == ["市科协", "市发改委"] and community.lead_units == []
    assert by_title(plan, "提供线上服务").co_units == ["市数据局"]


def test_numbered_heading_sentence_with_full_width_point():
    plan = parse(
        "某县科普方案\n一、保障措施\n1．加强组织领导。成立工作专班，定期调度。（责任单位：县科协、县委组织部）\n"
    )
    measure = by_title(plan, "加强组织领导")
    assert measure.co_units == ["县科协", "县委组织部"]


def test_brackets_nest_and_their_commas_do_not_split_units():
    units = parse_note(
        "责任单位：市委改革办〔市营商环境建设局〕、市发改委，各区〔县、市〕政府、开发园区管委会",
        UnitResolver(None, "市", "宁波市"),
    )
    assert units.lead == [] and units.co == ["市委改革办〔市营商环境建设局〕", "市发改委"]
    assert units.local == ["各区〔县、市〕政府", "开发园区管委会"]
    (note,) = find_notes("引进人才。【责任单位：县委组织部（人才办）、县人社局】")
    units = parse_note(note.body, UnitResolver(None, "县", "苍南县"))
    assert units.co == ["县委组织部（人才办）", "县人社局"]


def test_conventions_apply_to_the_notes_they_govern_and_are_never_units():
    plan = parse(
        "宁海市支持科普发展的若干意见\n"
        "一、重点任务\n"
        "（一）建设科普社区。打造科普社区10个。（责任单位：市经信局、市发改委，各区〔县、市〕政府、开发园区管委会。"
        "列第一位的为牵头单位，下同。以下均需各区〔县、市〕政府、开发园区管委会落实，不再列出）\n"
        "（二）开放科普场景。开放政府场景资源。（责任单位：市发改委、市数据局、通商控股集团）\n"
    )
    first, second = plan.measures
    assert first.lead_units == ["市经信局"] and first.co_units == ["市发改委"]
    assert first.local_units == ["各区〔县、市〕政府", "开发园区管委会"]
    names = [*first.lead_units, *first.co_units, *first.local_units, *plan.unresolved_units]
    assert not any("下同" in n or "牵头单位" in n or "不再列出" in n for n in names), names
    assert second.lead_units == ["市发改委"] and second.co_units == ["市数据局", "通商控股集团"]
    assert second.local_units == ["各区〔县、市〕政府", "开发园区管委会"], "以下均需……落实 carries on"


def test_comma_convention_gives_the_first_group_the_lead():
    conventions = Conventions()
    resolver = UnitResolver(None, "市", "南充市")
    first = parse_note(
        "责任单位：市发改委、市数据局，市经信局。第一个逗号前为牵头单位，多个牵头部门的按照职责分工负责，下同",
        resolver,
        conventions,
    )
    assert first.lead == ["市发改委", "市数据局"] and first.co == ["市经信局"]
    assert conventions.comma_leads and first.convention.startswith("第一个逗号前为牵头单位")
    alone = parse_note("责任单位：市科技局、各县（市、区）政府、市经信局", resolver, conventions)
    assert alone.lead == ["市科技局", "市经信局"] and alone.local == ["各县（市、区）政府"]


def test_several_notes_in_one_item_are_united_in_order():
    plan = parse(
        "杭州市打造科普新高地若干政策措施\n"
        "一、强化要素支撑\n"
        "1.强化要素支撑。鼓励社区提供免费算力。（责任单位：市经信局、市发展改革委）支持采购语料服务。（责任单位：市数据局）"
        "支持开展软科学研究。（责任单位：市科技局、市经信局）\n"
    )
    measure = plan.measures[0]
    assert measure.co_units == ["市经信局", "市发展改革委", "市数据局", "市科技局"]
    assert measure.responsibility_note.count("责任单位") == 3
    assert "责任单位" not in measure.text and "支持采购语料服务" in measure.text


@pytest.mark.parametrize(
    ("note", "lead", "co"),
    [
        ("责任部门：市科协、市教育局", [], ["市科协", "市教育局"]),
        ("牵头部门：市科协；配合部门：市教育局、市科技局", ["市科协"], ["市教育局", "市科技局"]),
        ("主办单位：市科协；承办单位：市科技馆；协办单位：市教育局", ["市科协"], ["市科技馆", "市教育局"]),
        ("責任單位：市科協、市教育局", [], ["市科協", "市教育局"]),
        (
            "牵头单位：市科技局、高新区、团市委，责任单位：市教育局、资产集团，各区镇",
            ["市科技局", "高新区", "团市委"],
            ["市教育局", "资产集团"],
        ),
    ],
)
def test_label_variants(note, lead, co):
    units = parse_note(note, UnitResolver(None, "市", "太仓市"))
    assert (units.lead, units.co) == (lead, co)


def test_member_units_and_a_note_on_its_own_line():
    plan = parse(
        "郑州市科普社区推广方案\n"
        "一、重点任务\n"
        "1．打造环高校科普带。依托高校建设科普社区。\n"
        "责任单位：市科技局、市工信局，各开发区管委会，各区县（市）政府\n"
        "2．加强组织领导。成立工作专班。（各成员单位）\n"
    )
    belt, lead = plan.measures
    assert belt.co_units == ["市科技局", "市工信局"] and belt.lead_units == []
    assert belt.local_units == ["各开发区管委会", "各区县（市）政府"]
    assert lead.co_units == ["各成员单位"]


def test_national_style_notes_without_a_label():
    items = [
        f"{n}、加强第{n}项工作。开展相关工作，推进落实。（教育部、人力资源社会保障部负责）"
        for n in "一二三四五六七八九十"
    ]
    items += [
        f"{n}、推进第{n}项改革。完善制度。（国家发展改革委会同有关部门负责）"
        for n in ["十一", "十二", "十九", "二十", "二十一", "二十九", "三十"]
    ]
    plan = parse(
        "国务院办公厅关于推进科普工作的意见\n为推进科普工作，提出如下意见。\n" + "\n".join(items) + "\n"
    )
    assert len(plan.measures) == 17
    first, last = plan.measures[0], plan.measures[-1]
    assert first.title == "加强第一项工作" and first.co_units == ["教育部", "人力资源社会保障部"]
    assert first.lead_units == []
    assert last.title == "推进第三十项改革" and last.lead_units == ["国家发展改革委"] and last.co_units == []
    assert last.id == "plan/30/0/h1"


def test_lead_and_co_suffixes_of_a_provincial_plan():
    units = parse_note(
        "省发展改革委牵头负责，省工业和信息化厅、财政厅，各地级以上市人民政府配合",
        UnitResolver(None, "省", "广东省"),
    )
    assert units.lead == ["省发展改革委"] and units.co == ["省工业和信息化厅", "财政厅"]
    assert units.local == ["各地级以上市人民政府"]
    spans = find_notes("建设平台。（省发展改革委牵头负责，省科技厅配合）")
    assert [s.body for s in spans] == ["省发展改革委牵头负责，省科技厅配合"]


def test_notes_on_unnumbered_paragraphs_under_a_numbered_heading():
    plan = parse(
        "罗湖区支持科普发展若干措施\n"
        "第一条 办公空间支持\n"
        "依托区级科普社区，提供不少于一年的专属空间支持。（责任单位：区科技和工业信息化局、各产业主管部门）\n"
        "第二条 人才支持\n"
        "（一）青年人才支持。对新引进青年人才给予补贴。（责任单位：区人力资源局）\n"
        "“一核”：以科教创新区为核心打造主阵地。（牵头单位：区科技局，责任单位：区教育局）\n"
    )
    space, talent, core = plan.measures
    assert space.chapter_title == "办公空间支持" and space.co_units == ["区科技和工业信息化局"]
    assert talent.title == "青年人才支持" and talent.co_units == ["区人力资源局"]
    assert core.title == "“一核”" and core.lead_units == ["区科技局"] and core.co_units == ["区教育局"]


def test_pdf_text_layer_notes_broken_across_lines_and_blank_lines():
    plan = parse(
        "某某市科普工作方案\n一、重点任务\n（一）加强科普阵地建设\n"
        "1.建设科普馆。依托现有场馆建设科普馆，完善展教设施。（牵头部\n\n门：市发展改革委；配合部门：市科协）\n\n"
        "2.开展科普活动。每年开展活动不少于10场。（责任单位：市科协）\n"
    )
    hall, events = plan.measures
    assert (hall.lead_units, hall.co_units) == (["市发展改革委"], ["市科协"])
    assert events.co_units == ["市科协"]


@pytest.mark.parametrize(
    ("title", "note", "units"),
    [
        ("某某市科普方案", "责任单位：市发改委、经信局", ["市发改委", "市经信局"]),
        ("某某省科普方案", "责任单位：省发展改革委、科技局", ["省发展改革委", "省科技局"]),
        ("某某县科普方案", "责任单位：县科协、教育局", ["县科协", "县教育局"]),
        (
            "宁海市科普方案",
            "责任单位：市发改委、通商控股集团、人民银行宁海市分行、宁海海关、高新区管委会",
            ["市发改委", "通商控股集团", "人民银行宁海市分行", "宁海海关", "高新区管委会"],
        ),
    ],
)
def test_the_plans_level_decides_the_prefix(title, note, units):
    plan = parse(f"{title}\n一、重点任务\n1.开展活动。每年开展活动。（{note}）\n")
    assert plan.measures[0].co_units == units


def test_named_district_governments_and_catch_alls_are_not_departments():
    plan = parse(
        "某某市科普方案\n一、重点任务\n1.开展活动。每年开展活动。"
        "（责任单位：市科协、市教育局等有关部门，各相关单位，有关部门，鼓楼区政府、台江区人民政府）\n"
    )
    measure = plan.measures[0]
    assert measure.co_units == ["市科协", "市教育局"] and measure.lead_units == []
    assert measure.local_units == ["鼓楼区政府", "台江区人民政府"]
    assert all(
        is_catch_all(n) for n in ("各相关单位", "各有关单位", "有关部门", "有关市级部门", "各产业主管部门")
    )
    assert not is_catch_all("市科协") and is_local("有关区县") and not is_local("高新区")


def test_a_task_table_in_markdown(tmp_path):
    path = tmp_path / "table_plan.md"
    path.write_text(
        "# 某某市科普行动方案\n\n一、重点任务\n\n"
        "| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n|---|---|---|---|\n"
        "| 1 | 建设科普馆 | 市科协 | 市发改委、市财政局 |\n| 2 | 开展科普活动 | 市教育局 | 市科协 |\n",
        encoding="utf-8",
    )
    plan = parse_plan_file(path)
    hall, events = plan.measures
    assert (
        hall.title == "建设科普馆"
        and hall.lead_units == ["市科协"]
        and hall.co_units == ["市发改委", "市财政局"]
    )
    assert events.lead_units == ["市教育局"]


def test_a_text_without_numbered_items_is_still_refused():
    with pytest.raises(NoStructure):
        parse("某某市科普方案\n这是一段没有编号的文字。\n又一段文字。\n")


def test_another_places_plan_keeps_its_names_and_aliases_resolve(registry):
    plan = parse_plan_text(
        "上海市科普工作方案\n一、重点任务\n1.建设科普馆。完善设施。（责任单位：市发展改革委、市科委）\n"
        "2.开展活动。每年开展活动。（责任单位：市发改委、市人力资源社会保障局）\n"
        "3.培训人才。每年培训。（责任单位：市人社局）\n",
        "shanghai.txt", "shanghai", registry)
    hall, events, training = plan.measures
    assert hall.co_units == ["市发展改革委", "市科委"], "the plan's own names, not 淮阴区's"
    assert events.co_units == ["市发改委", "市人力资源社会保障局"], "each note keeps the plan's wording"
    assert training.co_units == ["市人社局"]
    assert plan.unit_aliases["市发展改革委"] == ["市发改委"], "发改委 = 发展改革委 within one plan"
    assert plan.unit_aliases["市人力资源社会保障局"] == ["市人社局"]
    assert "市科委" in plan.unresolved_units, "names the registry does not know are kept and listed"


def test_brackets_misread_by_ocr_are_repaired():
    from ingest.unit_names import repair_brackets

    assert repair_brackets("开展活动。（责任单位：区科协、区教育局]") == "开展活动。（责任单位：区科协、区教育局）"
    assert repair_brackets("开展活动。（责任单位：区科协、区教育局。") == "开展活动。（责任单位：区科协、区教育局）。"
    assert repair_brackets("开展活动）。（牵头单位：区科协）") == "开展活动。（牵头单位：区科协）"


def test_a_state_council_style_opinion(registry):
    plan = parse_plan_text(
        "国务院办公厅关于进一步加强科普工作的实施意见\n国办发〔2025〕12号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n为加强科普工作，经国务院同意，现提出如下意见。\n"
        "一、强化科普供给\n"
        "（一）丰富科普内容。鼓励科研人员创作科普作品。（科技部、中国科协牵头，教育部、中央宣传部等按职责分工负责）\n"
        "（二）壮大科普队伍。完善科普人才评价机制。（人力资源社会保障部、科技部、中国科协按职责分工负责）\n"
        "（三）加大投入力度。各级财政要加大科普投入。（财政部会同有关部门负责）\n"
        "（四）做好宣传。（中国科协牵头，各有关部门按职责分工负责）\n",
        "guoban.txt", "guoban", registry)
    assert plan.title == "国务院办公厅关于进一步加强科普工作的实施意见"
    content, team, funds, publicity = plan.measures
    assert (content.lead_units, content.co_units) == (["科技部", "中国科协"], ["教育部", "中央宣传部"])
    assert (team.lead_units, team.co_units) == ([], ["人力资源社会保障部", "科技部", "中国科协"])
    assert (funds.lead_units, funds.co_units) == (["财政部"], [])
    assert (publicity.lead_units, publicity.co_units) == (["中国科协"], [])


@pytest.mark.parametrize(
    ("note", "lead", "co"),
    [
        ("牵头单位：市科技局；配合单位：市财政局；完成时限：2025年底", ["市科技局"], ["市财政局"]),
        ("责任单位：市科技局，2025年12月底前完成", [], ["市科技局"]),
        ("责任单位：市科技局（持续推进）", [], ["市科技局"]),
    ],
)
def test_deadlines_written_into_a_note_are_no_units(note, lead, co):
    units = parse_note(note, UnitResolver(None, "市", "某市"))
    assert (units.lead, units.co) == (lead, co)


def test_a_closing_part_on_a_line_of_its_own_ends_the_measures(registry):
    plan = parse_plan_text(
        "某区支持创业若干措施\n第一条 空间支持\n提供免费工位。（责任单位：区科工局）\n"
        "第二条 出海支持\n提供出海服务。（责任单位：区投促局）\n附则\n（一）适用范围\n"
        "1.人工智能OPC：以人工智能技术研发为主的企业。\n（二）认定管理\n1.由区科工局认定。\n",
        "mou.txt", "mou", registry)
    assert [m.chapter_title for m in plan.measures] == ["空间支持", "出海支持"], [m.title for m in plan.measures]


def test_a_plan_without_a_goals_part_takes_the_dated_goal_of_its_preamble(registry):
    plan = parse_plan_text(
        "某县关于加快打造创业高地的若干举措\n为抢抓机遇，聚焦OPC（指团队规模在10人以内的公司），"
        "力争到2026年，全县引育OPC创业人才100名。特制定如下举措。\n"
        "一、空间零成本。提供免费场地。（责任单位：县人社局）\n", "mou.txt", "mou", registry)
    assert [(g.text, g.deadline) for g in plan.goals] == [("全县引育OPC创业人才100名", "到2026年")]


def test_a_plan_that_states_only_its_validity_gets_that_period(registry):
    plan = parse_plan_text(
        "某市支持创业若干措施\n一、空间支持。提供免费工位。（责任单位：市科技局）\n"
        "本政策自2026年3月8日起实施，有效期截至2028年12月31日。\n", "mou.txt", "mou", registry)
    assert plan.period == "2026—2028"
