from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.store.export import TABLE_HEADER, export_plans
from graph.store.rdf_mapping import graph_to_plan, plan_to_graph


def test_json_is_the_measure_shape(sample_plan):
    data = export_plans([sample_plan], "json")
    assert "区委宣传部" in data.decode("utf-8"), "Chinese must be written as is, not \\u-escaped"
    measures = json.loads(data)
    assert measures == [m.to_json() for m in sample_plan.measures]
    assert set(measures[0]) == {
        "id",
        "plan",
        "path",
        "title",
        "text",
        "lead_units",
        "co_units",
        "local_units",
        "zones",
        "targets",
        "source",
    }


def test_turtle_parses_back_to_the_same_plan(sample_plan):
    data = export_plans([sample_plan], "turtle")
    assert (
        graph_to_plan(Graph().parse(data=data.decode("utf-8"), format="turtle"), sample_plan.id)
        == sample_plan
    )


def test_turtle_of_two_plans_keeps_each_plans_measures(sample_plan, other_plan):
    data = export_plans([sample_plan, other_plan], "turtle")
    g = Graph().parse(data=data.decode("utf-8"), format="turtle")
    for plan in (sample_plan, other_plan):
        back = graph_to_plan(g, plan.id)
        assert (back.measures, back.chapters, back.sections) == (plan.measures, plan.chapters, plan.sections)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser uses ConjunctiveGraph
def test_jsonld_has_the_same_triples_as_turtle(sample_plan):
    g = Graph().parse(data=export_plans([sample_plan], "jsonld").decode("utf-8"), format="json-ld")
    assert isomorphic(g, plan_to_graph(sample_plan))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_is_the_responsibility_table_with_bom(sample_plan):
    data = export_plans([sample_plan], "csv")
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show Chinese"
    rows = _csv_rows(data)
    assert rows[0] == TABLE_HEADER
    assert rows[2] == [
        "2",
        "二、（三）3.",
        "强化科普教育基地建设",
        "区委宣传部",
        "区科技局、区文广旅局、淮阴区未知办",
        "高新区、农科园、各镇、各街道",
        "到2025年底，新评定市级以上科普教育基地15家以上",
    ]
    # no lead named: nobody is shown leading, the units share the task
    assert rows[1][3] == "" and rows[1][4] == "共同负责：区科技局、区教体局、区科协"
    assert (
        rows[3][6]
        == "每年培育高素质农民3000名以上；其中现代农业经营主体带头人600名；每年组织1.2万人次农技员进村入户"
    )
    assert len(rows) == 1 + len(sample_plan.measures)


def test_csv_of_several_plans_names_the_plan(sample_plan, other_plan):
    rows = _csv_rows(export_plans([sample_plan, other_plan], "csv"))
    assert rows[0] == ["方案", *TABLE_HEADER]
    assert rows[-1][0] == other_plan.title
    assert len(rows) == 1 + len(sample_plan.measures) + len(other_plan.measures)


def test_xlsx_table_is_ready_to_paste(sample_plan, other_plan, tmp_path):
    path = tmp_path / "表.xlsx"
    path.write_bytes(export_plans([sample_plan, other_plan], "xlsx"))
    wb = load_workbook(path)
    assert len(wb.sheetnames) == 2, "one sheet per plan"
    ws = wb[wb.sheetnames[0]]
    assert [c.value for c in ws[1]] == TABLE_HEADER
    assert all(c.font.bold for c in ws[1]), "header row must be bold"
    assert ws.freeze_panes == "A2", "header row must stay visible when scrolling"
    assert [c.value for c in ws[3]][:4] == [2, "二、（三）3.", "强化科普教育基地建设", "区委宣传部"]
    assert ws["E3"].alignment.wrap_text
    assert ws.column_dimensions["C"].width >= 20 and ws.column_dimensions["A"].width <= 8
    assert ws.max_row == 1 + len(sample_plan.measures)


def test_unknown_format_is_rejected(sample_plan):
    with pytest.raises(ValueError):
        export_plans([sample_plan], "docx")
