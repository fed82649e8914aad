"""Plans whose responsibilities sit in a 任务分工表 (Word tables, PDF tables drawn with lines)."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.plan_parser import clean_plan_file, parse_plan_file
from ingest.plan_tables import CO, GROUP, LEAD, NUMBER, RESP, TASK, GridCell, build_table, column_role
from ingest.responsibility import UnitResolver
from ingest.table_measures import unit_text
from ingest.table_readers import PdfTable, continue_table
from tests.ingest.render_tables import (
    write_appendix_docx,
    write_appendix_pdf,
    write_firstlead_docx,
    write_grouped_docx,
    write_pdf_plan,
    write_table_docx,
)


def titled(plan, title):
    found = [m for m in plan.measures if m.title == title]
    assert len(found) == 1, f"{title}: {len(found)} measures"
    return found[0]


def who(measure):
    return measure.lead_units, measure.co_units, measure.local_units


def content(plan):
    return [(m.id, m.path, m.title, m.text, m.lead_units, m.co_units, m.local_units, m.responsibility_note)
            for m in plan.measures]


@pytest.fixture(scope="module")
def appendix_plan(tmp_path_factory, registry):
    return parse_plan_file(write_appendix_docx(tmp_path_factory.mktemp("t") / "appendix.docx"), registry=registry)


def test_appendix_table_gives_units_to_the_clauses_it_repeats(appendix_plan):
    plan = appendix_plan
    titles = [m.title for m in plan.measures]
    assert titles == ["推动科技馆展项更新", "建设流动科普设施", "建设社区科普e站", "打造乡村科普广场",
                      "开展科普阵地运行评估"]
    assert not [t for t, n in Counter(titles).items() if n > 1], "a task in clause and table is one measure"
    assert who(titled(plan, "推动科技馆展项更新")) == (["区科协"], ["区科技局", "区财政局"], [])
    assert who(titled(plan, "建设流动科普设施")) == (["区科协"], ["区教体局"], ["各镇", "各街道"])
    e_station = titled(plan, "建设社区科普e站")
    assert who(e_station) == (["区民政局"], ["区科协"], ["各街道"])
    assert e_station.path == ["二、", "（二）", "3."] and e_station.section_title == "基层科普阵地工程"
    assert "完成时限：2025年底" in e_station.responsibility_note, "the deadline column is kept with the note"
    assert plan.unresolved_units == []


def test_a_task_only_the_table_has_becomes_its_own_measure(appendix_plan):
    review = titled(appendix_plan, "开展科普阵地运行评估")
    assert who(review) == (["区科协"], ["区统计局"], [])
    assert review.clause_label == "分工表第5项"
    assert review.path[0] == "" and review.chapter_title == "重点任务分工表", (
        "an appendix table is not part of 三、保障措施")


def test_appendix_measures_point_at_their_text(tmp_path, registry):
    path = write_appendix_docx(tmp_path / "appendix.docx")
    clean = clean_plan_file(path)
    plan = parse_plan_file(path, registry=registry)
    for m in plan.measures:
        assert m.title in clean.text[m.source.start:m.source.end]
    row = titled(plan, "开展科普阵地运行评估")
    assert clean.text[row.source.start:row.source.end] == "5｜开展科普阵地运行评估｜区科协｜区统计局｜每年12月"


@pytest.mark.slow
def test_the_same_tabled_plan_as_pdf_gives_the_same_measures(tmp_path, registry, appendix_plan):
    pdf = parse_plan_file(write_appendix_pdf(tmp_path / "appendix.pdf"), registry=registry)
    assert content(pdf) == content(appendix_plan)


def test_grouped_table_alone_carries_the_tasks(tmp_path, registry):
    plan = parse_plan_file(write_grouped_docx(tmp_path / "grouped.docx"), registry=registry)
    assert [(m.path, m.title) for m in plan.measures] == [
        (["二、", "（一）", "分工表第1项"], "配齐配强科学教师"),
        (["二、", "（一）", "分工表第2项"], "开展科学教师专题培训"),
        (["二、", "（二）", "分工表第3项"], "组织“科技之光”研学活动"),
        (["二、", "（二）", "分工表第4项"], "推动科普教育基地向学生免费开放"),
    ], "rows go to the section their merged 任务类别 cell names, though the table stands in 三、"
    teachers, training, study, bases = plan.measures
    assert who(teachers) == (["区教体局"], ["区人社局"], [])  # 区教体局（牵头）、区人社局
    assert who(training) == (["区教体局"], ["区科协", "区科技局"], [])  # X牵头，Y、Z配合
    assert who(study) == ([], ["区科协", "区教体局", "团区委"], [])  # no mark: shared, no lead invented
    assert who(bases) == (["区科协"], ["区文广旅局"], ["各镇", "各街道"])  # 各镇街
    assert [(t.value, t.unit, t.period) for t in training.targets] == [(200.0, "人次", "每年")]
    assert "推动科普教育基地向学生免费开放" in bases.text and "各镇街" not in bases.text
    assert plan.unresolved_units == []


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "header-once"])
def test_pdf_table_over_two_pages_merges_into_noted_clauses(tmp_path, registry, repeat_header):
    path = write_pdf_plan(tmp_path / "plan.pdf", repeat_header=repeat_header)
    assert clean_plan_file(path).paragraphs[-1].origin == 2, "the table should go on to page 2"
    plan = parse_plan_file(path, registry=registry)
    assert [m.clause_label for m in plan.measures] == [
        "一、1.", "一、2.", "二、3.", "二、4.", "二、分工表第5项", "二、分工表第6项"]
    cloud = titled(plan, "建设区级科普云平台")  # note says 区融媒体中心, the table adds 区委网信办
    assert who(cloud) == (["区科协"], ["区融媒体中心", "区委网信办"], [])
    assert who(titled(plan, "培育科普自媒体账号")) == (["区委宣传部"], ["区融媒体中心", "区文广旅局", "区科协"], [])
    # 市自然资源和规划局淮阴分局 is wrapped over three lines of a narrow cell
    assert who(titled(plan, "完善应急科普资源库")) == (
        ["区应急管理局"], ["区科协", "区气象局", "市自然资源和规划局淮阴分局"], [])
    # the lead cell is merged down from the row above; the clause's own note agrees
    assert who(titled(plan, "开展应急科普进社区活动")) == (
        ["区应急管理局"], ["区消防救援大队", "区卫健委"], ["各镇", "各街道"])
    experts = titled(plan, "建立应急科普专家队伍")
    assert who(experts) == (["区科协"], ["区应急管理局", "区卫健委"], [])
    assert experts.chapter_title == "应急科普工程", "the group row 二、应急科普工程 places it"
    assert "吸纳医疗救护、防灾减灾等领域专家" in experts.text
    assert plan.unresolved_units == []


def test_first_listed_unit_leads_when_the_plan_says_so(tmp_path, registry):
    plan = parse_plan_file(write_firstlead_docx(tmp_path / "firstlead.docx"), registry=registry)
    assert [m.clause_label for m in plan.measures] == [
        "二、1.", "二、2.", "三、（二）分工表第1项", "三、（二）分工表第2项", "三、（二）分工表第3项"]
    phones = titled(plan, "开展智能手机培训")
    assert who(phones) == ([], ["区科协", "区民政局"], []), "a different task in the table must not merge"
    assert who(titled(plan, "开展老年人智能手机运用大赛")) == (["区科协"], ["区总工会", "区老龄办"], [])
    assert who(titled(plan, "组织老年人防诈骗科普讲座")) == (["区公安分局"], ["区科协"], ["各镇", "各街道"])
    assert who(titled(plan, "建设社区助老科普角")) == (["区民政局"], ["区科协"], [])
    assert plan.unresolved_units == ["区老龄办"], "names not in the registry are kept and reported"


def test_a_table_without_unit_columns_stays_text(tmp_path, registry):
    import docx

    document = docx.Document()
    for text in ["淮阴区科普工作方案", "一、主要指标", "主要指标如下表。", "二、重点任务",
                 "1. 建设科普阵地。新建科普场馆一座。（责任单位：区科协）"]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ["指标", "2020年", "2025年", "公民具备科学素质比例", "12%", "17.5%"], strict=True):
        cell.text = text
    path = tmp_path / "indicators.docx"
    document.save(str(path))
    plan = parse_plan_file(path, registry=registry)
    assert [m.title for m in plan.measures] == ["建设科普阵地"]
    assert "公民具备科学素质比例" in clean_plan_file(path).text


# ---------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(("name", "role"), [
    ("序号", NUMBER), ("重点任务", TASK), ("工作任务", TASK), ("主要任务", TASK), ("具体措施", TASK),
    ("牵头单位", LEAD), ("牵头部门", LEAD), ("责任单位", RESP), ("责任部门", RESP), ("配合单位", CO),
    ("参与单位", CO), ("协办单位", CO), ("任务类别", GROUP), ("完成时限", "deadline"), ("时间进度", "deadline"),
])
def test_column_names(name, role):
    assert column_role(name) == role


def grid(rows):
    return [[GridCell(c) if c is not None else GridCell("", above=True) for c in row] for row in rows]


def test_header_below_a_title_row_and_tasks_merged_down():
    table = build_table(grid([
        ["附表：重点任务分工", "附表：重点任务分工", "附表：重点任务分工"],
        ["工作任务", "责任单位", "完成时间"],
        ["建设科普e站", "区科协牵头，区民政局配合", "2025年"],
        [None, "各镇、街道", None],
    ]), [1, 2, 3, 4])
    assert table.title == "附表：重点任务分工"
    assert [r.kind for r in table.rows] == ["skip", "skip", "task", "more"]
    assert table.rows[3].resp == "各镇、街道" and table.rows[3].deadline == "2025年"


def test_tables_that_are_not_responsibility_tables():
    assert build_table(grid([["指标", "2020年", "2025年"], ["比例", "12%", "17.5%"]]), [1, 2]) is None
    assert build_table(grid([["单位", "联系人"], ["区科协", "张三"]]), [1, 2]) is None
    assert build_table(grid([["一、总体要求"], ["二、重点任务"]]), [1, 2]) is None


def test_pdf_wraps_inside_and_between_unit_names(registry):
    resolver = UnitResolver(registry, "区", "淮阴区")
    assert unit_text("区科协、区气\n象局、市自然\n资源和规划局\n淮阴分局", False, resolver) == \
        "区科协、区气象局、市自然资源和规划局淮阴分局"
    assert unit_text("区科协\n区教体局", False, resolver) == "区科协、区教体局"
    assert unit_text("市科协\n市教育局", False, UnitResolver(None, "市")) == "市科协、市教育局"
    assert unit_text("区科协\n区教体局", True, resolver) == "区科协、区教体局"


def test_row_cut_by_a_page_break_is_joined():
    first = grid([["序号", "重点任务", "牵头单位"], ["1", "建设科普", "区科协"]])
    table = PdfTable(first, [1, 1], 3, 0)
    rows = continue_table(table, grid([["", "e站", ""], ["2", "打造科普广场", "区农业农村局"]]), 2)
    assert [row[1].text for row in table.grid] == ["重点任务", "建设科普\ne站", "打造科普广场"]
    assert rows == [2] and table.origins == [1, 1, 2]


def test_note_styles_tables_bring(registry):
    from ingest.responsibility import parse_note

    resolver = UnitResolver(registry, "区", "淮阴区")
    note = parse_note("责任单位：区科协（牵头）、区教育局，各镇街", resolver)
    assert (note.lead, note.co, note.local) == (["区科协"], ["区教体局"], ["各镇", "各街道"])
    note = parse_note("区科协牵头、区教育局、区科技局", resolver)
    assert (note.lead, note.co) == (["区科协"], ["区教体局", "区科技局"])



def test_shipped_plan_with_a_table_repeating_every_measure_is_unchanged(tmp_path, registry, shipped_plan):
    """Each of the 40 measures again as a table row (title and its units): still 40 measures,
    each with exactly the units its note gives."""
    import docx

    from tests.ingest.conftest import SHIPPED_PLAN

    document = docx.Document()
    for text in SHIPPED_PLAN.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(text)
    document.add_paragraph("附件")
    document.add_paragraph("重点任务分工表")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "重点任务", "牵头单位", "配合单位"], strict=True):
        cell.text = text
    for n, m in enumerate(shipped_plan.measures, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(n), m.title, "、".join(m.lead_units)
        cells[3].text = "、".join([*m.co_units, *m.zones, *m.local_units])
    path = tmp_path / "shipped_with_table.docx"
    document.save(str(path))
    plan = parse_plan_file(path, plan_id=shipped_plan.id, registry=registry)
    assert len(plan.measures) == 40
    for want, got in zip(shipped_plan.measures, plan.measures, strict=True):
        assert (got.id, got.title, got.responsibility_note) == (want.id, want.title, want.responsibility_note)
        assert (who(got), got.zones) == (who(want), want.zones), got.title


def test_group_rows_numbered_in_the_number_column():
    table = build_table(grid([
        ["序号", "重点任务", "责任单位（排在第一位的为牵头单位）"],
        ["一", "科普信息化提升工程", ""],
        ["1", "建设科普云平台", "区科协、区融媒体中心"],
    ]), [1, 2, 3])
    assert table.roles == ("number", "task", "resp")
    assert [(r.kind, r.task) for r in table.rows[1:]] == [("group", "科普信息化提升工程"), ("task", "建设科普云平台")]


@pytest.mark.parametrize(("cell", "lead", "co"), [
    ("牵头单位：区科协\n配合单位：区教育局、区科技局", ["区科协"], ["区教体局", "区科技局"]),
    ("区科协（牵头）\n区教育局\n区科技局", ["区科协"], ["区教体局", "区科技局"]),
    ("区科协\n区教育局", [], ["区科协", "区教体局"]),
    ("区科协、区教育局等部门", [], ["区科协", "区教体局"]),
])
def test_word_cells_of_a_single_unit_column(registry, cell, lead, co):
    from ingest.plan_tables import PlanTable, TableRow
    from ingest.table_measures import row_units

    table = PlanTable(("重点任务", "责任单位"), ("task", "resp"), (), hard_lines=True)
    units, _ = row_units(TableRow("task", task="x", resp=cell), table, UnitResolver(registry, "区", "淮阴区"), False)
    assert (units.lead, units.co) == (lead, co)


def test_first_listed_rule_in_the_column_name(tmp_path, registry):
    import docx

    document = docx.Document()
    for text in ["淮阴区科普工作方案", "一、重点任务", "各项任务分工见下表。"]:
        document.add_paragraph(text)
    rows = [["序号", "工作任务", "责任单位（排在第一位的为牵头单位）"], ["1", "建设科普云平台", "区科协、区融媒体中心"]]
    table = document.add_table(rows=2, cols=3)
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(str(tmp_path / "p.docx"))
    (measure,) = parse_plan_file(tmp_path / "p.docx", registry=registry).measures
    assert who(measure) == (["区科协"], ["区融媒体中心"], [])


def test_markdown_and_tab_separated_tables(tmp_path, registry):
    head = ["淮阴区科普工作要点", "一、重点任务", "1. 建设科普云平台。整合各部门科普资源。", "二、任务分工"]
    md = tmp_path / "plan.md"
    md.write_text("\n\n".join([f"# {head[0]}", *head[1:]]) + "\n\n" + "\n".join([
        "| 序号 | 工作任务 | 牵头单位 | 配合单位 |", "|---|:---:|---|---|",
        "| 1 | 建设科普云平台 | 区科协 | 区融媒体中心 |", "| 2 | 评选优秀科普作品 | 区委宣传部 | 区文联 |"]),
        encoding="utf-8")
    tsv = tmp_path / "plan.txt"  # a Word table pasted into a text file: tab-separated cells
    tsv.write_text("\n".join([*head, "序号\t工作任务\t责任单位", "1\t建设科普云平台\t区科协牵头，区融媒体中心配合",
                              "2\t评选优秀科普作品\t区委宣传部、区文联"]) + "\n", encoding="utf-8")
    for path, works in ((md, (["区委宣传部"], ["区文联"], [])), (tsv, ([], ["区委宣传部", "区文联"], []))):
        plan = parse_plan_file(path, registry=registry)
        assert [m.clause_label for m in plan.measures] == ["一、1.", "二、分工表第2项"], path.name
        assert who(plan.measures[0]) == (["区科协"], ["区融媒体中心"], [])
        assert who(plan.measures[1]) == works


def test_tasks_numbered_inside_the_task_cell(tmp_path, registry):
    import docx

    document = docx.Document()
    for text in ["淮阴区科普工作方案", "一、重点任务", "各项任务如下表。"]:
        document.add_paragraph(text)
    rows = [["重点任务", "牵头单位", "配合单位"], ["1. 建设科普云平台", "区科协", "区融媒体中心"],
            ["2. 开展科普讲座：每年举办科普讲座20场", "区科协", "区教育局"]]
    table = document.add_table(rows=3, cols=3)
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(str(tmp_path / "p.docx"))
    cloud, talks = parse_plan_file(tmp_path / "p.docx", registry=registry).measures
    assert (cloud.clause_label, cloud.title) == ("一、分工表第1项", "建设科普云平台")
    assert (talks.clause_label, talks.title) == ("一、分工表第2项", "开展科普讲座")
    assert [(t.value, t.unit) for t in talks.targets] == [(20.0, "场")]


def test_a_task_cell_merged_over_two_unit_rows_is_one_measure(tmp_path, registry):
    rows = [["序号", "重点任务", "牵头单位", "配合单位"], ["1", "建设科普云平台", "区科协", "区融媒体中心"],
            [None, None, "区委网信办", "各镇、街道"], ["2", "开展科普讲座", "区教育局", ""]]
    write_table_docx(tmp_path / "p.docx", ["淮阴区科普工作方案", "一、重点任务", "各项任务如下表。"], rows)
    cloud, talks = parse_plan_file(tmp_path / "p.docx", registry=registry).measures
    assert who(cloud) == (["区科协", "区委网信办"], ["区融媒体中心"], ["各镇", "各街道"])
    assert (talks.title, who(talks)) == ("开展科普讲座", (["区教体局"], [], []))
