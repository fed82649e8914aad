"""Material search for staff: ranking, highlighted snippets, facets, paging, status filters."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graph.search.passage_index import IndexHandle
from graph.settings import Settings
from ingest.corpus_indexer import build_index
from qa_service.routers import admin, materials
from qa_service.rumors import check as rumor_check
from qa_service.rumors.check import InvalidText, RumorChecker
from qa_service.rumors.search import MaterialSearch, highlight
from qa_service.services import build_services
from tests.material_fakes import FakeEncoder, good_materials, lexical_calibration

TOKEN = "tok"

MICROWAVE = """---
id: microwave-radiation
title: 微波炉加热的食物有辐射吗？
claims:
  - 微波炉加热的食物有辐射，吃了致癌
verdict: 谣言
summary: 微波只让食物里的水分子振动发热，关掉后就没有微波了，食物不会带辐射。
topics: [通信与辐射, 饮食健康]
audience: [公众, 老年人]
source: 中国疾病预防控制中心《微波炉科普》（测试用）
status: approved
reviewed_by: 张工
reviewed_at: 2024-08-01
review_by: 2099-08-01
updated_at: 2024-08-02
---

网传“<script>alert(1)</script>微波炉加热的食物有辐射 & 会致癌”。微波炉工作时，微波让食物中的水分子振动产生热量。
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    corpus = good_materials(root / "corpus")
    (corpus / "microwave-radiation.md").write_text(MICROWAVE, encoding="utf-8")
    settings = Settings(data_dir=root / "data", admin_token=TOKEN)
    build_index(settings, FakeEncoder(), corpus)
    return settings


@pytest.fixture(scope="module")
def search(settings):
    checker = RumorChecker(IndexHandle(settings.index_dir), FakeEncoder(), calibration=lexical_calibration())
    return MaterialSearch(checker)


def test_query_ranks_the_material_sharing_its_words_first(search):
    result = search.search("5G基站辐射")
    assert result.hits[0].id == "5g-radiation"
    assert "<mark>5G</mark>" in result.hits[0].snippet or "<mark>5G基站</mark>" in result.hits[0].snippet
    assert {h.status for h in result.hits} == {"approved"}


def test_snippet_is_html_escaped_except_for_marks(search):
    hit = next(h for h in search.search("微波炉 辐射").hits if h.id == "microwave-radiation")
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>微波炉</mark>" in hit.snippet
    assert "&amp;" in hit.snippet


def test_hits_carry_the_review_dates(search):
    hit = next(h for h in search.search("微波炉 辐射").hits if h.id == "microwave-radiation")
    assert (hit.reviewed_at, hit.review_by) == ("2024-08-01", "2099-08-01")
    as_json = {h["id"]: h for h in search.search("微波炉 辐射").to_json()["hits"]}
    assert as_json["microwave-radiation"]["review_by"] == "2099-08-01"


def test_facets_count_topics_verdicts_and_audiences_of_the_matches(search):
    result = search.search("")
    assert result.total == 4, "approved only: draft and retired material are not listed"
    assert result.facets["verdict"] == {"谣言": 3, "误导": 1}
    assert result.facets["topic"]["饮食健康"] == 2
    assert result.facets["audience"]["公众"] == 4


def test_filters_narrow_hits_but_facets_show_the_alternatives(search):
    result = search.search("", topic="通信与辐射")
    assert sorted(h.id for h in result.hits) == ["5g-radiation", "microwave-radiation"]
    assert result.facets["topic"]["食品安全"] == 1, "the topic facet ignores the topic filter itself"
    assert result.facets["verdict"] == {"谣言": 2}
    assert [h.id for h in search.search("", verdict="误导").hits] == ["overnight-dishes"]
    assert [h.id for h in search.search("", audience="老年人").hits] == ["microwave-radiation", "overnight-dishes"]


def test_empty_query_lists_newest_first_with_paging(search):
    everything = [h.id for h in search.search("").hits]
    assert everything == ["microwave-radiation", "overnight-dishes", "5g-radiation", "garlic-virus"]
    page = search.search("", k=2, offset=1)
    assert [h.id for h in page.hits] == everything[1:3] and page.total == 4


def test_status_filters_show_drafts_and_retired_on_request(search):
    assert [h.id for h in search.search("", status="draft").hits] == ["msg-draft"]
    assert [h.id for h in search.search("", status="retired").hits] == ["banana-retired"]
    assert search.search("", status="all").total == 6
    assert "msg-draft" not in {h.id for h in search.search("味精 致癌").hits}


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"k": 51}, {"offset": -1}, {"status": "published"},
                                    {"verdict": "假"}, {"q": "长" * 201}])
def test_bad_parameters_get_chinese_messages(search, kwargs):
    with pytest.raises(InvalidText) as err:
        search.search(**{"q": "辐射", **kwargs})
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.user_message)


def test_highlight_marks_every_occurrence_and_escapes_the_rest():
    assert highlight("a<b 隔夜菜 and 隔夜菜", ["隔夜菜"]) == "a&lt;b <mark>隔夜菜</mark> and <mark>隔夜菜</mark>"
    long = "无关的内容。" * 40 + "隔夜菜会致癌"
    snippet = highlight(long, ["隔夜菜"])
    assert "<mark>隔夜菜</mark>" in snippet and snippet.startswith("……"), "the window moves to the match"


@pytest.fixture(scope="module")
def client(settings):
    mp = pytest.MonkeyPatch()
    mp.setattr(rumor_check, "default_encoder_factory", lambda s: FakeEncoder)
    mp.setattr(rumor_check, "load_calibration", lexical_calibration)
    app = FastAPI()
    app.state.services = build_services(settings, load_model=False)
    app.include_router(materials.router)
    app.include_router(admin.router)
    yield TestClient(app)
    mp.undo()


def test_http_search_returns_hits_facets_and_paging(client):
    body = client.get("/api/search", params={"q": "隔夜菜", "k": 1}).json()
    assert body["hits"][0]["id"] == "overnight-dishes"
    assert body["k"] == 1 and len(body["hits"]) == 1
    assert set(body["facets"]) == {"topic", "verdict", "audience"}


def test_http_non_approved_status_needs_the_token(client):
    assert client.get("/api/search", params={"status": "draft"}).status_code == 403
    body = client.get("/api/search", params={"status": "draft"}, headers={"X-Kepu-Token": TOKEN}).json()
    assert [h["id"] for h in body["hits"]] == ["msg-draft"]


@pytest.mark.parametrize("params", [{"k": "ten"}, {"k": "0"}, {"offset": "-3"}, {"verdict": "假"}])
def test_http_bad_parameters_are_422(client, params):
    response = client.get("/api/search", params={"q": "辐射", **params})
    assert response.status_code == 422
    assert response.json()["detail"]


def test_cli_search_lists_hits_and_json(settings, monkeypatch):
    import json

    from typer.testing import CliRunner

    from qa_service.cli import app

    monkeypatch.setattr(rumor_check, "default_encoder_factory", lambda s: FakeEncoder)
    monkeypatch.setattr(rumor_check, "load_calibration", lexical_calibration)
    runner = CliRunner()
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "search", "隔夜菜", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hits"][0]["id"] == "overnight-dishes"
    plain = runner.invoke(app, ["--data-dir", str(settings.data_dir), "search", "", "--status", "draft"])
    assert "味精吃多了会致癌吗？" in plain.output and "共 1 条结果" in plain.output
