"""POST /api/ask, the measures and units endpoints and /healthz, on a real embedded store."""

from __future__ import annotations

import copy
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings
from graph.store.oxigraph import OxigraphStore
from qa_service.app import create_app
from tests.qa_service.policy_fixtures import PLAN_ID, mini_plan

EDU_BASE_ID = f"{PLAN_ID}/2/3/3"


def _settings(data_dir, model_dir) -> Settings:
    # No model folder: the policy side answers lexically, and the test stays fast.
    settings = replace(Settings.from_env(data_dir), model_dir=model_dir)
    OxigraphStore(settings.graph_dir).put_plan(mini_plan())
    return settings


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One app for the read-only tests (building it loads the graph view and indexes)."""
    root = tmp_path_factory.mktemp("api")
    with TestClient(create_app(_settings(root / "data", root / "no-model"))) as client:
        yield client


def test_ask_returns_the_answer_shape(client):
    r = client.post("/api/ask", json={"question": "谁负责科普教育基地建设？", "session_id": None})
    assert r.status_code == 200
    body = r.json()
    assert {"intent", "answer", "confidence", "abstained", "measures", "targets", "units", "citations"} <= set(body)
    assert body["measures"][0]["id"] == EDU_BASE_ID
    assert body["answer"].startswith("【强化科普教育基地建设】牵头单位：区委宣传部")
    assert body["citations"][0]["clause"] == "二、（三）3."


def test_ask_follow_up_in_a_session(client):
    client.post("/api/ask", json={"question": "保障经费投入由哪个部门负责？", "session_id": "web-42"})
    r = client.post("/api/ask", json={"question": "它还负责什么？", "session_id": "web-42"})
    assert r.json()["intent"] == "reverse" and r.json()["units"][0]["name"] == "区财政局"


@pytest.mark.parametrize("payload, message", [
    ({"question": ""}, "问题不能为空"),
    ({"question": "   "}, "问题不能为空"),
    ({}, "问题不能为空"),
    ({"question": None}, "问题不能为空"),
    ({"question": "谁" * 501}, "过长"),
    ({"question": 123}, "应为文本"),
    ({"question": "谁负责？", "session_id": "../../etc"}, "会话 ID"),
    ([1, 2], "JSON 对象"),
])
def test_bad_requests_get_422_in_chinese(client, payload, message):
    r = client.post("/api/ask", json=payload)
    assert r.status_code == 422
    assert message in r.json()["detail"]


def test_broken_json_body_gets_422_in_chinese(client):
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]


@pytest.mark.parametrize(("question", "answer"), [
    ("😀😀", "没有识别到文字内容，请用中文描述您的问题，例如“谁负责科普教育基地建设？”。"),
    ("？？？", "没有识别到文字内容，请用中文描述您的问题，例如“谁负责科普教育基地建设？”。"),
    ("hello there", "目前仅支持中文提问，请用中文描述您的问题，例如“区科协负责哪些工作？”。"),
    ("<script>alert(1)</script>", "没有识别到文字内容，请用中文描述您的问题，例如“谁负责科普教育基地建设？”。"),
])
def test_unreadable_questions_get_a_chinese_answer_not_an_error(client, question, answer):
    """What the user reads, word for word (not just "some Chinese")."""
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200 and r.json()["intent"] == "invalid"
    assert r.json()["answer"] == answer
    assert "<script>" not in r.json()["answer"]


def test_measures_filtered_by_unit_role_and_words(client):
    all_ = client.get("/api/measures").json()
    assert all_["count"] == 9
    lead = client.get("/api/measures", params={"unit": "宣传部", "role": "lead"}).json()
    assert lead["unit"] == "区委宣传部"
    assert {m["title"] for m in lead["measures"]} == {"加大科普创作支持力度", "强化科普教育基地建设", "建立应急科普宣教协同机制"}
    co = client.get("/api/measures", params={"unit": "区科协", "role": "co", "q": "老年人"}).json()
    assert {m["title"] for m in co["measures"]} == {"实施智慧助老行动", "加强老年人健康科普服务"}
    assert client.get("/api/measures", params={"role": "boss"}).status_code == 422
    missing = client.get("/api/measures", params={"unit": "不存在的局"})
    assert missing.status_code == 404 and "未找到单位" in missing.json()["detail"]


def test_measure_by_id_with_slashes(client):
    r = client.get(f"/api/measures/{EDU_BASE_ID}")
    assert r.status_code == 200 and r.json()["title"] == "强化科普教育基地建设"
    r = client.get(f"/api/measures/{PLAN_ID}/9/9/9")
    assert r.status_code == 404 and "未找到措施" in r.json()["detail"]


def test_units_list_and_lookup_by_any_alias(client):
    units = client.get("/api/units").json()["units"]
    kexie = next(u for u in units if u["name"] == "区科协")
    assert kexie["full_name"] == "淮阴区科学技术协会" and kexie["co_count"] == 4 and kexie["joint_count"] == 4 and "科协" in kexie["aliases"]
    propaganda = next(u for u in units if u["name"] == "区委宣传部")
    assert propaganda["lead_count"] == 3
    for alias in ("区委宣传部", "宣传部", "中共淮安市淮阴区委员会宣传部"):
        r = client.get(f"/api/units/{alias}")
        assert r.status_code == 200 and r.json()["name"] == "区委宣传部"
        assert len(r.json()["lead_measures"]) == 3
    r = client.get("/api/units/火星局")
    assert r.status_code == 404 and "未找到单位" in r.json()["detail"]


def test_healthz_reports_what_is_loaded(client):
    body = client.get("/healthz").json()
    assert body["plans_loaded"] == 1 and body["measures"] == 9
    assert body["store"]["status"] == "ok" and body["model_loaded"] is False
    assert body["status"] == "degraded", "no model: answers are lexical only"
    assert body["startup"]["build_seconds"] is not None
    before = body["caches"]["answers"]
    for _ in range(2):
        assert client.post("/api/ask", json={"question": "区科协牵头哪些工作？（健康检查）"}).status_code == 200
    after = client.get("/healthz").json()["caches"]["answers"]
    assert after["hits"] == before["hits"] + 1, "the repeated question is answered from the cache"


def test_new_plan_from_another_process_is_picked_up(data_dir, tmp_path):
    settings = _settings(data_dir, tmp_path / "no-model")
    client = TestClient(create_app(settings))
    plan = copy.deepcopy(mini_plan())
    plan.measures[-1].co_units = ["区财政局", "区审计局"]
    OxigraphStore(settings.graph_dir).put_plan(plan)  # as `kepu ingest plan` in another process would
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        r = client.post("/api/ask", json={"question": "区审计局负责哪些工作？"})
        if r.json()["measures"]:
            break
        time.sleep(0.3)
    assert [m["title"] for m in r.json()["measures"]] == ["保障经费投入"]


def test_units_of_two_regions_are_two_units(tmp_path):
    settings = _settings(tmp_path / "data", tmp_path / "no-model")
    other = copy.deepcopy(mini_plan())
    other.id, other.title, other.region = "luohu-2026", "罗湖区科普实施方案", "罗湖区"
    for m in other.measures:
        m.id, m.plan = m.id.replace(PLAN_ID, other.id, 1), other.id
    OxigraphStore(settings.graph_dir).put_plan(other)
    with TestClient(create_app(settings)) as client:
        rows = [u for u in client.get("/api/units").json()["units"] if u["name"] == "区委宣传部"]
        assert sorted(u["region"] for u in rows) == ["淮阴区", "罗湖区"]
        assert all(u["lead_count"] == 3 for u in rows)
        full = {u["region"]: u["full_name"] for u in rows}
        assert full == {"淮阴区": "中共淮安市淮阴区委员会宣传部", "罗湖区": "区委宣传部"}, (
            "the registry is 淮阴区's"
        )
        r = client.get("/api/units/区委宣传部")
        assert r.status_code == 409 and "淮阴区、罗湖区" in r.json()["detail"]
        r = client.get("/api/units/区委宣传部", params={"region": "罗湖区"})
        assert r.status_code == 200 and r.json()["region"] == "罗湖区"
        assert {m["plan"] for m in r.json()["lead_measures"]} == {"luohu-2026"}
        r = client.get("/api/measures", params={"unit": "区委宣传部", "role": "lead", "region": "淮阴区"})
        assert r.json()["count"] == 3 and {m["plan"] for m in r.json()["measures"]} == {PLAN_ID}
