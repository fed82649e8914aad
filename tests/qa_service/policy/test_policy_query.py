"""The typed graph query path without the model (lexical ranking): parsing, the answers' shape,
the hook leaving other questions alone, and the query shown by the CLI, the API and the page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph.settings import Settings
from graph.store.oxigraph import OxigraphStore
from graph.unit_registry import UnitRegistry
from ingest.plan_parser import parse_plan_file
from qa_service.app import create_app
from qa_service.chat.service import ChatService
from qa_service.chat.sessions import InMemorySessionStore
from qa_service.cli import app as cli_app
from qa_service.policy.qa import PolicyQA
from qa_service.policy.query import sparql
from qa_service.policy.query.query import LEAD, PolicyQuery, Scope, UnitTerm

ROOT = Path(__file__).resolve().parents[3]
PLAN = ROOT / "corpus" / "plans" / "huaiyin_science_literacy_plan_2021-2025_draft.txt"


@pytest.fixture(scope="module")
def chat():
    return ChatService(PolicyQA([parse_plan_file(PLAN)], None, UnitRegistry.load()), InMemorySessionStore())


def clauses(body: dict) -> list[str]:
    return ["".join(m["path"]) for m in body["measures"]]


def test_query_round_trips_as_json_and_refuses_unknown_roles():
    q = PolicyQuery(units=[UnitTerm("区科协", LEAD), UnitTerm("区妇联", negated=True)], scope=Scope(plans=["p"]))
    assert PolicyQuery.from_json(q.to_json()) == q
    with pytest.raises(ValueError):
        UnitTerm("区科协", "boss")
    with pytest.raises(ValueError):
        PolicyQuery(aggregate="guess")


def test_names_go_into_sparql_as_escaped_literals():
    q = PolicyQuery(scope=Scope(plans=["p"], section='x" } DELETE { ?s ?p ?o } #'))
    text = sparql.measures(q)
    assert 'kepu:sectionTitle "x\\" } DELETE { ?s ?p ?o } #"' in text


def test_and_of_two_units_lists_only_the_shared_measures(chat):
    body = chat.answer("区科协和区妇联共同负责哪些工作？")
    assert body["intent"] == "query" and body["query"]["language"] == "SPARQL"
    # From tests/data/kgqa/huaiyin_table.json (read from the plan by hand).
    assert clauses(body) == ["二、（三）4.", "二、（四）1.", "三、（一）3.", "三、（二）1.", "三、（三）2.", "三、（三）3."]
    assert body["answer"].startswith("共6项（区科协和区妇联都参与）：")


def test_role_and_negation(chat):
    body = chat.answer("区科协牵头、区委宣传部参与的措施有哪些？")
    assert sorted(clauses(body)) == ["三、（二）2.", "二、（四）2.", "二、（四）3."]
    body = chat.answer("区科技局参与但区科协不参与的措施有哪些？")  # 区科协 is in every one of them
    assert body["measures"] == [] and "共0项" in body["answer"] and "区科技局参与、区科协不参与" in body["answer"]
    body = chat.answer("区科协参与、区妇联没参与的工作有几项？")
    assert body["answer"].startswith("共29项")  # 35 with 区科协, 6 of them with 区妇联


def test_count_max_compare_and_no_lead(chat):
    assert chat.answer("区委组织部牵头几项工作？")["answer"].startswith("共2项")
    top = chat.answer("哪个单位牵头的措施最多？")["answer"]
    assert top.startswith("8项") and "区委宣传部" in top.split("其次")[0]
    both = chat.answer("区科协和区教体局谁参与的措施多？")["answer"]
    assert "区科协参与35项" in both and "区教体局参与22项" in both
    assert chat.answer("科普信息化提升工程里哪些措施没有牵头单位？")["answer"].startswith("共2项")


def test_yes_no_starts_with_the_verdict_and_names_the_clause(chat):
    body = chat.answer("区妇联参与强化科普教育基地建设吗？")
    assert body["answer"].startswith("不，区妇联不在该项责任单位中。该项牵头单位：区委宣传部")
    assert "二、（三）3." in body["answer"]


def test_unknown_unit_is_named_with_close_ones(chat):
    body = chat.answer("区档案局和区科协共同负责哪些工作？")
    assert body["answer"].startswith("未找到单位“区档案局”。您是不是要问：") and body["abstained"]


def test_other_questions_keep_the_ranking_path(chat):
    for question in ("区民政局和区委组织部分别负责哪些工作？", "谁负责科普教育基地建设？", "区科协负责哪些工作？",
                     "科学普及重点工程包括哪几项工程？", "每年培育多少高素质农民？"):
        body = chat.answer(question)
        assert body["intent"] != "query" and "query" not in body, question


def test_parts_named_by_number_only_where_one_plan_is_asked_about():
    huaiyin = parse_plan_file(PLAN)
    second = parse_plan_file(ROOT / "tests" / "data" / "kgqa" / "nanchong_2026_opc.txt")
    one = ChatService(PolicyQA([huaiyin], None, UnitRegistry.load()), InMemorySessionStore())
    body = one.answer("第三章有几项措施？")
    assert body["intent"] == "query" and body["answer"].startswith("共17项"), body["answer"]
    assert {m["path"][0] for m in body["measures"]} == {"三、"}
    body = one.answer("二、（三）有哪些措施？")
    assert clauses(body) == ["二、（三）1.", "二、（三）2.", "二、（三）3.", "二、（三）4."]
    # Every plan has a 第三章: with two loaded, only a question naming its plan gets one.
    both = ChatService(PolicyQA([huaiyin, second], None, UnitRegistry.load()), InMemorySessionStore())
    assert both.answer("第三章有几项措施？").get("intent") != "query"
    body = both.answer("淮阴区方案第三章有几项措施？")
    assert body["intent"] == "query" and body["answer"].startswith("共17项"), body["answer"]


def test_a_unit_asked_what_it_does_in_spoken_words(chat):
    for question in ("区教体局负责些啥", "教育局都管些什么"):
        body = chat.answer(question)
        assert body["answer"].startswith("区教体局（淮阴区教育体育局）参与22项措施"), (question, body["answer"])


def test_follow_up_narrows_the_previous_answer(chat):
    chat.answer("区科协负责哪些工作？", "kgqa-follow")
    body = chat.answer("那其中哪些是区委宣传部牵头的？", "kgqa-follow")
    assert body["intent"] == "query" and len(body["measures"]) == 8
    assert all("区委宣传部" in m["lead_units"] and "区科协" in m["co_units"] + m["lead_units"]
               for m in body["measures"])


def test_long_lists_carry_a_wechat_cut_pointing_to_the_page(chat):
    body = chat.answer("哪些措施没有明确牵头单位？")
    assert len(body["measures"]) == 30
    assert len(body["short_answer"]) < len(body["answer"]) and "网页版" in body["short_answer"]


def test_cli_explain_prints_the_query_and_statement(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("KEPU_MODEL_DIR", str(tmp_path / "no-model"))
    result = CliRunner().invoke(cli_app, ["--data-dir", str(data_dir), "ask", "--explain", "--plan", str(PLAN),
                                          "区科协或区教体局牵头的措施有哪些？"])
    assert result.exit_code == 0, result.output
    assert "共3项" in result.output and "按此查询" in result.output
    assert "SELECT DISTINCT ?id WHERE" in result.output and '"op": "or"' in result.output


def test_api_returns_the_query_and_the_page_shows_it(tmp_path):
    settings = replace(Settings.from_env(tmp_path / "data"), model_dir=tmp_path / "no-model")
    OxigraphStore(settings.graph_dir).put_plan(parse_plan_file(PLAN))
    with TestClient(create_app(settings)) as client:
        body = client.post("/api/ask", json={"question": "区委组织部牵头几项工作？"}).json()
        assert body["query"]["aggregate"] == "count" and body["query"]["units"][0]["role"] == "lead"
        assert body["query"]["statements"] and body["answer"].startswith("共2项")
        page = client.get("/", params={"q": "区委组织部牵头几项工作？"}).text
        assert "按此查询" in page and "SELECT DISTINCT ?id WHERE" in page


def test_wechat_gets_the_cut_list_with_the_pointer(chat, tmp_path):
    from tests.support.wechat_platform import WeChatPlatform, random_aes_key, wechat_app

    platform = WeChatPlatform("kgqa-token", "wxkgqa0000000000", random_aes_key())
    settings = Settings(data_dir=tmp_path, wechat_token="kgqa-token", wechat_appid="wxkgqa0000000000",
                        wechat_aes_key=platform.aes_key)
    xml = platform.text("oUser-kgqa", "哪些措施没有明确牵头单位？", msg_id="7001")
    with TestClient(wechat_app(settings, chat)) as client:
        reply = platform.read_reply(client.post("/wechat", **platform.request(xml)).text).content
    assert reply.startswith("共30项") and "另有18项" in reply and "网页版" in reply
    assert "完善监测评估体系" not in reply  # the 29th measure is on the web page only


WUHAN = ROOT / "tests" / "data" / "plans" / "real" / "wuhan_2026_opc.txt"


def test_measures_named_by_their_place_in_the_plan():
    wuhan = ChatService(PolicyQA([parse_plan_file(WUHAN)], None, UnitRegistry.load()), InMemorySessionStore())
    body = wuhan.answer("前三条措施涉及哪些单位？")
    assert body["intent"] == "query" and clauses(body) == ["一、", "二、", "三、"]
    body = wuhan.answer("后五条里科创局参与了哪些？")
    assert clauses(body) == ["七、", "八、", "九、", "十、"], body["answer"]
    # most, within items 二–四 only: counted here from the hand labels (departments, not 各区)
    import json
    from collections import Counter

    gold = json.loads(WUHAN.with_suffix(".gold.json").read_text(encoding="utf-8"))
    counts = Counter(u for item in gold[1:4] for u in item["units"] if u not in item["local"])
    best = max(counts.values())
    body = wuhan.answer("第2到第4条措施里哪个单位参与得最多？")
    assert body["answer"].startswith(f"{best}项"), body["answer"]
    assert all(u in body["answer"].split("。")[0] for u, n in counts.items() if n == best)


@pytest.mark.parametrize("question, clause", [
    ("区科协有份但区教体局没份的工作有哪些？", "二、（二）2."),
    ("把区教体局也参与的去掉，区科协还参与哪些？", "二、（二）2."),
    ("区科协参与的措施中，排除掉区教体局同样参与的，还有哪几项？", "二、（二）2."),
])
def test_colloquial_set_operations(chat, question, clause):
    body = chat.answer(question)
    assert body["intent"] == "query" and clause in clauses(body), body["answer"]
    assert body["answer"].startswith("共13项（") and "区教体局不参与" in body["answer"], body["answer"]


def test_support_standards_are_no_targets():
    # 杭州's items list subsidy caps (最高补助200万元) beside two targets to reach (四、9.).
    plan = parse_plan_file(ROOT / "tests" / "data" / "plans" / "real" / "hangzhou_2026_opc_draft.txt")
    hz = ChatService(PolicyQA([plan], None, UnitRegistry.load()), InMemorySessionStore())
    body = hz.answer("这份政策里一共有哪些量化目标？")
    assert body["answer"].startswith("共2项目标"), body["answer"]
    assert "投资规模不低于5亿元" in body["answer"] and "投资OPC不少于100个" in body["answer"]
    assert hz.answer("加大人才支持这项有完成时限吗？")["answer"].startswith("未写明")


def test_a_query_over_many_plans_counts_them_plan_by_plan(tmp_path):
    from bench.synth import synthetic_plans

    plans = [parse_plan_file(PLAN), *synthetic_plans(PLAN, 2)]
    store = OxigraphStore(tmp_path / "graph")
    store.put_plans(plans)
    many = ChatService(PolicyQA(plans, None, UnitRegistry.load(), store=store), InMemorySessionStore())
    body = many.answer("区科协参与但不牵头的措施有哪些？")
    assert body["answer"].startswith("共96项（区科协参与但不牵头），分属3个方案：") and body["measures"] == []
    assert "LIMIT 61" in body["query"]["statements"][0] and "GROUP BY ?g" in body["query"]["statements"][-1]
    # few enough to list: listed, plan by plan
    body = many.answer("区科协和区妇联共同负责哪些工作？")
    assert body["answer"].startswith("共18项") and len(body["measures"]) == 18


def test_a_chapter_past_the_last_is_named_as_missing(chat):
    body = chat.answer("第九章有哪些措施？")
    assert body["answer"].startswith("方案共4章，没有第九章") and "四、组织实施" in body["answer"]
    assert body["measures"] == [] and chat.answer("第四章有几项措施？")["answer"].startswith("共")


def test_a_unit_of_the_region_the_plan_never_names_is_said_so(chat):
    body = chat.answer("区统计局和区科协一起参与了哪些？")
    assert body["answer"].startswith("共0项") and "未找到单位“区统计局”" in body["answer"], body["answer"]
    body = chat.answer("区残联参与科普基础设施普惠开放吗？")
    assert body["answer"].startswith("不") and "未找到单位“区残联”" in body["answer"], body["answer"]


@pytest.mark.parametrize(("question", "first"), [
    ("科普基础设施那块有几项措施？", "共4项"),  # 科普基础设施建设工程, named short
    ("开放合作工程里一共有几项？", "共3项"),  # 科学素质开放合作工程
    ("青少年那部分有多少条措施？", "共4项"),  # 青少年科学素质提升行动
    ("区委宣传部牵了几次头？", "共8项"),
])
def test_parts_named_short_and_split_verbs(chat, question, first):
    body = chat.answer(question)
    assert body["intent"] == "query" and body["answer"].startswith(first), body["answer"]


def test_a_short_part_name_needs_a_part_word_after_it(chat):
    body = chat.answer("科普基础设施向公众开放吗？")
    assert body.get("query") is None or body["query"]["scope"]["section"] is None, body["answer"]


def test_follow_ups_keep_the_unit_and_the_part(chat):
    session = "follow-lead"
    chat.answer("区科技局参与了几项？", session)
    body = chat.answer("其中牵头的有几项？", session)
    assert body["answer"].startswith("共1项") and clauses(body) == ["二、（二）1."], body["answer"]
    chat.answer("老年人那部分都有谁参与？", session)
    body = chat.answer("哪个参与得最多？", session)
    assert body["intent"] == "query" and body["query"]["scope"]["section"] == "老年人科学素质提升行动"
    assert body["answer"].startswith("3项"), body["answer"]


def test_every_measure_listed_when_asked_plainly(chat):
    body = chat.answer("有哪些措施？")
    assert body["intent"] == "query" and body["answer"].startswith("共40项"), body["answer"][:40]


def test_items_numbered_on_through_sections_are_named_by_number():
    from qa_service.policy.query.vocabulary import Vocabulary

    plan = parse_plan_file(ROOT / "tests" / "data" / "plans" / "heldout" / "taian_2026_opc.txt")
    vocab = Vocabulary([plan])
    ids, _ = vocab.find_nth("第13条有哪些责任单位？", [plan.id])
    assert ids == [plan.measures[12].id]
    shipped = parse_plan_file(PLAN)  # 1. 2. 3. restart in every section: 第二条 names nothing
    assert Vocabulary([shipped]).find_nth("第二条有哪些责任单位？", [shipped.id]) is None
