"""One unit written two ways in one plan (县人力社保局 in two notes, 县人社局 in a third) is one
unit to every question, on the embedded store and in the answers' words; shortened names of a
plan's units (数据局, 科技局 for a merged 科技经信局, 城投, 金融中心) find them and nothing else."""

from __future__ import annotations

import pytest

from graph.unit_registry import UnitRegistry
from graph.unit_resolver import UnitResolver
from graph.unit_synonyms import same_unit_key
from ingest.plan_parser import parse_plan_text
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.policy.qa import PolicyQA
from qa_service.policy.query import cypher, sparql

TEXT = (
    "某县支持创业的若干举措\n"
    "一、创业空间零成本。提供免费场地。（责任单位：县人力社保局、县科技经信局、县城投集团）\n"
    "二、资金支持。提供贷款贴息。（责任单位：县人力社保局、县金融服务中心、县大数据管理中心）\n"
    "三、数据开放。开放公共数据。（责任单位：县数据资源局、县大数据中心）\n"
    "四、人才保障。提供人才公寓。（责任单位：县委组织部（人才办）、县人社局、县住建局）\n"
    "五、评定超级个体。每年评定一批。（责任单位：县委组织部（县委人才办））\n"
)


@pytest.fixture(scope="module")
def plan():
    return parse_plan_text(TEXT, "mou.txt", "mou", UnitRegistry.load())


@pytest.fixture(scope="module")
def chat(plan):
    return ChatService(PolicyQA([plan], None, UnitRegistry.load()), InMemorySessionStore())


def clauses(body: dict) -> list[str]:
    return ["".join(m["path"]) for m in body["measures"]]


@pytest.mark.parametrize(("a", "b"), [
    ("县人力社保局", "县人社局"),
    ("县大数据管理中心", "县大数据中心"),
    ("区委组织部（人才办）", "区委组织部（区委人才办）"),
    ("市科技创新局", "市科创局"),
])
def test_two_forms_of_one_unit_share_a_key(a, b):
    assert same_unit_key(a) == same_unit_key(b)


@pytest.mark.parametrize(("a", "b"), [("市民政局", "市财政局"), ("区科协", "区科技局"), ("县数据资源局", "县大数据中心")])
def test_different_units_keep_different_keys(a, b):
    assert same_unit_key(a) != same_unit_key(b)


def test_the_plan_keeps_its_wording_and_the_resolver_joins_the_forms(plan):
    assert plan.measures[3].co_units[1] == "县人社局", "each note keeps the plan's own wording"
    resolver = UnitResolver.build([plan], UnitRegistry.load())
    assert resolver.same_unit("县人社局") == ["县人力社保局", "县人社局"]
    assert [m.canonical for m in resolver.find("县人社局和县人力社保局")] == ["县人力社保局"] * 2


@pytest.mark.parametrize(("text", "unit"), [
    ("数据局参与了哪些", "县数据资源局"),
    ("科技局负责什么", "县科技经信局"),  # the merged bureau: the plan has no 县科技局
    ("城投参与了哪些", "县城投集团"),
    ("金融中心负责什么", "县金融服务中心"),
    ("大数据中心参与了哪些", "县大数据管理中心"),
    ("人才办负责什么", "县委组织部（人才办）"),
])
def test_shortened_names_find_the_plans_unit(plan, text, unit):
    resolver = UnitResolver.build([plan], UnitRegistry.load())
    assert [m.canonical for m in resolver.find(text)][:1] == [unit]


@pytest.mark.parametrize("text", ["县民政局参与了哪些", "商务局负责什么", "县数据局大楼在哪"])
def test_a_name_no_unit_of_the_plan_shortens_finds_none(plan, text):
    resolver = UnitResolver.build([plan], UnitRegistry.load())
    found = [m.canonical for m in resolver.find(text)]
    assert not found or found == ["县数据资源局"] and "数据局" in text, found


def test_count_list_and_yes_no_take_every_form(chat):
    body = chat.answer("县人社局一共参与了几项？")
    assert body["intent"] == "query" and body["answer"].startswith("共3项"), body["answer"]
    assert clauses(body) == ["一、", "二、", "四、"]
    body = chat.answer("组织部参与了哪些措施？")
    assert clauses(body) == ["四、", "五、"], body["answer"]
    body = chat.answer("县人力社保局参与人才保障那条吗？")
    assert body["answer"].startswith("是"), body["answer"]
    body = chat.answer("大数据中心参与了、县人社局没参与的是哪些？")
    assert clauses(body) == ["三、"], body["answer"]


def test_most_and_compare_count_the_unit_once_under_both_names(chat):
    body = chat.answer("哪个单位参与的措施最多？")
    assert body["answer"].startswith("3项") and "县人力社保局（也写作县人社局）" in body["answer"], body["answer"]
    body = chat.answer("县大数据中心和县住建局哪个参与得多？")
    assert "参与2项" in body["answer"] and "县住建局参与1项" in body["answer"], body["answer"]


def test_every_form_goes_into_sparql_and_cypher_as_literals(chat):
    body = chat.answer("县人社局参与了几项？")
    statement = body["query"]["statements"][0]
    assert '"县人力社保局"' in statement and '"县人社局"' in statement, statement
    from qa_service.policy.query.query import PolicyQuery

    q = PolicyQuery.from_json({k: v for k, v in body["query"].items()
                               if k in ("aggregate", "units", "op", "scope", "no_lead", "count_role")})
    text, params = cypher.measures(q)
    assert sorted(params[k] for k in params if k.startswith("u0")) == ["县人力社保局", "县人社局"]
    assert "县人社局" not in text, "names go in as parameters"
    assert sparql.measures(q).count("skos:prefLabel") >= 1


def test_an_unknown_unit_is_offered_close_units_once_each(chat):
    body = chat.answer("县统计局和县住建局一起参与了哪些？")
    assert body["answer"].startswith("未找到单位“县统计局”"), body["answer"]
    offered = body["answer"].split("您是不是要问：")[1].split("？")[0].split("、")
    assert "县人社局" not in offered or "县人力社保局" not in offered, "one unit, offered once"


@pytest.mark.parametrize(("name", "form"), [
    ("市经信局市新经济委", "经信局"),  # one office under two names
    ("市城市运行和政务服务办", "政务服务办"),
    ("市行政审批服务局", "审批局"),
    ("中国人民银行泰安市分行", "人行泰安分行"),
])
def test_names_made_of_parts_have_their_short_forms(name, form):
    from graph.unit_short_names import short_forms

    assert form in short_forms(name, True)


def test_a_short_form_that_is_a_word_of_the_titles_names_no_unit():
    plan = parse_plan_text(
        "某省支持创业行动方案\n一、实施人才汇聚行动\n1.引进人才。建设人才公寓。（责任单位：省人才集团、省科技厅）\n"
        "2.城市更新。改造片区。（责任单位：省城投集团）\n", "mou.txt", "mou", UnitRegistry.load())
    resolver = UnitResolver.build([plan], UnitRegistry.load())
    assert [m.canonical for m in resolver.find("人才引进那条谁负责")] == []
    assert [m.canonical for m in resolver.find("城投负责什么")] == ["省城投集团"]


def test_a_bare_unit_no_plan_names_is_reported_not_dropped(chat):
    body = chat.answer("经信厅参与了但县住建局没参与的是哪些？")
    assert body["answer"].startswith("未找到单位“经信厅”"), body["answer"]


def test_a_negation_said_of_a_list_holds_for_each_unit(chat):
    body = chat.answer("县人力社保局参与、县科技经信局和县城投集团都不参与的有哪些？")
    assert body["intent"] == "query" and clauses(body) == ["二、", "四、"], body["answer"]
    body = chat.answer("有县人力社保局、没有县金融服务中心的措施是哪几条？")
    assert clauses(body) == ["一、", "四、"], body["answer"]


def test_items_by_number_in_brackets_and_ranges_without_di(chat):
    body = chat.answer("第（三）条有哪些责任单位？")
    assert "县数据资源局" in body["answer"] and "县住建局" not in body["answer"], body["answer"]
    body = chat.answer("2到3条里县大数据中心参与了哪些？")
    assert clauses(body) == ["二、", "三、"], body["answer"]


def test_local_governments_no_note_names_are_reported(chat):
    body = chat.answer("各乡镇人民政府要落实哪些措施？")
    assert body["answer"].startswith("未找到单位“各乡镇人民政府”"), body["answer"]
