"""Rumour check behaviour around the model: replies, abstention, visibility, bad input, HTTP."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.search.material_store import UnansweredLog
from graph.search.passage_index import IndexHandle
from graph.settings import Settings
from graph.text_normalizer import normalize
from ingest.corpus_indexer import build_index
from qa_service.routers import admin, materials
from qa_service.rumors import check as rumor_check
from qa_service.rumors.check import (
    LINKS_ONLY_REPLY,
    MAX_CHARS,
    NO_MATERIAL_REPLY,
    InvalidText,
    RumorChecker,
    build_reply,
    split_clauses,
)
from qa_service.services import build_services
from tests.material_fakes import FakeEncoder, good_materials, lexical_calibration


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("rumor")
    settings = Settings(data_dir=root / "data")
    build_index(settings, FakeEncoder(), good_materials(root / "corpus"))
    return settings


@pytest.fixture
def checker(data, tmp_path):
    return RumorChecker(IndexHandle(data.index_dir), FakeEncoder(), calibration=lexical_calibration(),
                        unanswered=UnansweredLog(tmp_path / "unanswered.jsonl"))


def test_matching_claim_gets_the_materials_own_summary_and_source(checker):
    result = checker.check("听说隔夜菜会致癌，是真的吗？")

    assert result.matched and result.verdict == "误导"
    assert result.materials[0].id == "overnight-dishes"
    assert result.reply.startswith("【误导】隔夜菜会致癌吗？\n")
    assert result.reply.endswith("（依据：国家卫生健康委员会《隔夜菜科普》（测试用））")
    assert "亚硝酸盐" in result.reply
    payload = result.to_json()
    assert set(payload) == {"matched", "verdict", "reply", "materials", "confidence"}
    assert set(payload["materials"][0]) == {"id", "title", "verdict", "summary", "score", "passage", "source"}
    assert payload["materials"][0]["passage"], "the supporting passage is shown"


def test_traditional_characters_and_noise_are_normalised(checker):
    result = checker.check("😱😱隔夜菜會致癌嗎？？https://t.cn/abc [捂脸]")
    assert result.matched and result.materials[0].id == "overnight-dishes"


def test_lookalike_radicals_read_as_the_ordinary_characters(checker):
    # Forwards write look-alikes (a Kangxi radical, a CJK compatibility ideograph: U+2F9A3 for 菜)
    # to slip past keyword filters.
    plain, disguised = checker.check("听说隔夜菜会致癌，是真的吗？"), checker.check("听说隔夜\U0002f9a3会致癌，是真的吗？")
    assert plain.matched and disguised.matched
    assert [m.id for m in disguised.materials] == [m.id for m in plain.materials]
    assert disguised.confidence == plain.confidence


def test_unknown_claim_abstains_and_is_logged_for_staff(checker):
    result = checker.check("喝咖啡会导致骨质疏松吗")

    assert not result.matched and result.materials == [] and result.verdict is None
    assert result.reply == NO_MATERIAL_REPLY
    assert "已记录" in result.reply
    logged = checker.unanswered.summary()
    assert logged and logged[0]["text"] == "喝咖啡会导致骨质疏松吗"


def test_drafts_and_retired_material_never_answer_the_public(checker):
    for text in ("味精加热后会产生致癌物吗", "香蕉和酸奶一起吃会中毒吗"):
        result = checker.check(text, log_unanswered=False)
        shown = {m.id for m in result.materials}
        assert not shown & {"msg-draft", "banana-retired"}, f"{text}: non-approved material shown"
        assert "msg-draft" not in result.ranking and "banana-retired" not in result.ranking


def test_rumour_buried_in_a_long_forwarded_message_is_found(checker):
    text = ("各位亲朋好友早上好🌹🌹今天降温了，大家出门多穿衣服，注意保暖，照顾好家里的老人和孩子。"
            "另外说个事，单位食堂的饭菜最近涨价了，大家怎么看？周末有没有人一起去爬山，天气预报说是晴天。"
            "最重要的一条：吃大蒜可以杀死新冠病毒，家里老人孩子每天都要吃几瓣！转发一次功德无量🙏🙏"
            "还有小区门口新开了一家超市，开业打八折，鸡蛋很便宜，大家可以去看看。") * 2
    assert len(text) > 300
    result = checker.check(text, log_unanswered=False)
    assert result.matched and result.materials[0].id == "garlic-virus"
    assert "大蒜" in result.query, "the matched clause is the buried claim"


def test_links_or_html_only_get_a_clear_answer(checker):
    for text in ("https://mp.weixin.qq.com/s/abcdef", "<div><img src='x.png'></div>", "👍👍👍"):
        result = checker.check(text)
        assert not result.matched and result.reply == LINKS_ONLY_REPLY


@pytest.mark.parametrize("text", ["", "   ", None, "隔" * (MAX_CHARS + 1)])
def test_empty_or_over_long_text_is_rejected_with_a_chinese_message(checker, text):
    with pytest.raises(InvalidText) as err:
        checker.check(text)
    assert err.value.user_message.startswith(("请输入", "内容过长"))


def test_looks_like_rumor_scores_covered_claims_above_unrelated_text(checker):
    assert checker.looks_like_rumor("5G基站辐射会导致癌症吗") > 0.5
    assert checker.looks_like_rumor("今天区里开会讨论了科普工作") < 0.5
    assert checker.looks_like_rumor("") == 0.0
    assert checker.unanswered.summary() == [], "the cheap score never logs"


def _top_features(checker, text: str) -> tuple[str, dict]:
    evidence = checker.gather(normalize(text))[0]
    return evidence.retrieval.candidates[0].material_id, evidence.features[0]


def test_a_subject_the_material_never_mentions_is_unexplained_but_a_typo_is_not(checker):
    """隔夜茶 is not 隔夜菜: the material's text never says it. 隔液菜 is 隔夜菜 mistyped."""
    material, same = _top_features(checker, "隔夜菜会致癌吗")
    assert material == "overnight-dishes" and same["unexplained"] == 0.0
    material, typo = _top_features(checker, "隔液菜会致癌吗")
    assert material == "overnight-dishes" and typo["unexplained"] == 0.0
    material, other = _top_features(checker, "隔夜茶会致癌吗")
    assert material == "overnight-dishes" and other["unexplained"] > 0.3


def test_evaluation_can_ask_a_covered_question_as_if_its_material_were_missing(checker):
    from qa_service.evaluation.rumor_eval import SYNTHETIC, Query, gather, synthetic_uncovered

    queries = [Query("隔夜菜会致癌吗", "overnight-dishes"), Query("喝咖啡会导致骨质疏松吗", None, near="overnight-dishes")]
    synthetic = synthetic_uncovered(queries)
    assert [(q.q, q.expect, q.near, q.kind) for q in synthetic] == [
        ("隔夜菜会致癌吗", None, "overnight-dishes", SYNTHETIC)]

    real, missing = gather(checker, queries[:1] + synthetic)
    assert real.clauses[0][0][0] == "overnight-dishes"
    assert "overnight-dishes" not in missing.clauses[0][0], "its own material is left out"


def test_short_messages_are_one_clause_long_ones_are_split():
    assert split_clauses("隔夜菜会致癌吗") == ["隔夜菜会致癌吗"]
    long = "今天天气不错。" * 10 + "据说吃大蒜可以杀死新冠病毒，大家赶紧转发。" + "明天见。"
    clauses = split_clauses(long)
    assert clauses[0] == long[:400], "the whole message is checked too"
    assert "据说吃大蒜可以杀死新冠病毒，大家赶紧转发。" in clauses
    assert clauses.count("今天天气不错。") == 1, "repeated sentences are checked once"


def test_reply_is_short_enough_for_a_chat_bubble():
    reply = build_reply("谣言", "标题", "第一句话。" * 100, "来源")
    assert len(reply) < 260 and reply.endswith("（依据：来源）")


# --- HTTP ---------------------------------------------------------------------------------------

@pytest.fixture
def client(data, monkeypatch):
    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    monkeypatch.setattr(rumor_check, "load_calibration", lexical_calibration)
    app = FastAPI()
    app.state.services = build_services(data, load_model=False)
    app.include_router(materials.router)
    app.include_router(admin.router)
    return TestClient(app)


def test_http_rumor_check_answers_from_vetted_material(client, data):
    response = client.post("/api/rumor-check", json={"text": "住在5G基站旁边会得癌症吗"})
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] is True and body["materials"][0]["id"] == "5g-radiation"
    assert body["reply"].startswith("【谣言】")


@pytest.mark.parametrize(("payload", "message"), [
    ({"text": ""}, "请输入要核实的内容"),
    ({}, "请输入要核实的内容"),
    ({"text": "隔" * 2001}, "内容过长"),
    ({"text": 42}, "text 应为文本"),
    ([1, 2], "请输入要核实的内容"),
])
def test_http_bad_input_is_422_with_chinese_message(client, payload, message):
    response = client.post("/api/rumor-check", json=payload)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_http_non_json_body_is_not_a_server_error(client):
    response = client.post("/api/rumor-check", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_http_html_only_gets_a_clear_answer(client):
    response = client.post("/api/rumor-check", json={"text": "<p><a href='https://x.cn/a'></a></p>"})
    assert response.status_code == 200
    assert response.json()["reply"] == LINKS_ONLY_REPLY


def test_http_without_an_index_is_503_with_chinese_message(tmp_path, monkeypatch):
    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    settings = Settings(data_dir=tmp_path / "empty")
    app = FastAPI()
    app.state.services = build_services(settings, load_model=False)
    app.include_router(materials.router)
    response = TestClient(app).post("/api/rumor-check", json={"text": "隔夜菜会致癌吗"})
    assert response.status_code == 503
    assert "kepu ingest corpus" in response.json()["detail"]


# --- CLI ----------------------------------------------------------------------------------------

@pytest.fixture
def cli(data, monkeypatch):
    from typer.testing import CliRunner

    from qa_service.cli import app

    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda settings: FakeEncoder)
    monkeypatch.setattr(rumor_check, "load_calibration", lexical_calibration)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--data-dir", str(data.data_dir), *args])


def test_cli_check_prints_the_reply_or_json(cli):
    plain = cli("check", "吃大蒜可以杀死新冠病毒吗")
    assert plain.exit_code == 0, plain.output
    assert "【谣言】吃大蒜能杀死新冠病毒吗？" in plain.output and "（依据：世界卫生组织《新冠病毒谣言破解》（测试用））" in plain.output

    as_json = cli("check", "吃大蒜可以杀死新冠病毒吗", "--json")
    body = json.loads(as_json.output)
    assert body["matched"] is True and body["materials"][0]["id"] == "garlic-virus"


def test_cli_check_rejects_empty_text(cli):
    result = cli("check", "  ")
    assert result.exit_code == 2 and "请输入要核实的内容" in result.output


def test_cli_eval_rumors_reports_fused_bm25_and_dense(cli, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"q": "隔夜菜会致癌吗", "expect": "overnight-dishes", "kind": "colloquial"},
        {"q": "5G基站 辐射 癌症", "expect": "5g-radiation", "kind": "partial"},
        {"q": "喝咖啡会导致骨质疏松吗", "near": "overnight-dishes"},
    ]), encoding="utf-8")
    result = cli("eval", "rumors", str(queries), "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(figures) == {"hybrid", "bm25", "dense"}
    assert figures["hybrid"]["covered"] == 2 and figures["hybrid"]["uncovered"] == 1
    assert figures["hybrid"]["recall@1"] == 1.0 and figures["hybrid"]["uncovered_abstained"] == 1.0

    table = cli("eval", "rumors", str(queries))
    assert "Recall@3" in table.output and "仅 BM25" in table.output
    assert cli("eval", "rumors", str(tmp_path / "missing.jsonl")).exit_code == 2
