"""问答 and 素材检索 pages with the chat service and material search stubbed (unit tests of the pages):
what each kind of answer looks like, the session cookie, escaping, admin sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np
import pytest
from fastapi.testclient import TestClient

from graph.records import MeasureRecord, SourceSpan, TargetRecord
from graph.search.material_store import MaterialRecord
from graph.search.serving import ServingRule, ServingView
from graph.settings import Settings
from qa_service.app import create_app
from qa_service.policy import answer_format as fmt
from qa_service.rumors.search import SearchHit, SearchResult, highlight
from qa_service.web.graph_picture import Edge, Node, Picture, SvgRenderer, to_dot
from qa_service.web.matrix_page import content_disposition
from qa_service.web.render import marked
from tests.support.browser import table_rows

TOKEN = "page-test-token"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
MEASURE = MeasureRecord(
    id="p/2/3/3", plan="p", path=["二、", "（三）", "3."], title="强化科普教育基地建设", text="强化科普教育基地建设。…",
    lead_units=["区委宣传部"], co_units=["区科技局", "区教体局"], local_units=["各镇"], zones=["高新区"],
    targets=[TargetRecord("每年新增科普教育基地2家以上", "科普教育基地", 2, "2", "家", "以上", period="每年")],
    source=SourceSpan("plan.txt", 100, 180))


def policy_answer() -> dict:
    return {"intent": "resp", "answer": fmt.measure_resp(MEASURE), "confidence": 0.93, "abstained": False,
            "measures": [MEASURE.to_json()], "targets": [], "units": fmt.unit_entries(MEASURE, lambda u: u),
            "citations": [fmt.citation(MEASURE)]}


def rumor_answer(title: str = "隔夜菜会致癌吗？") -> dict:
    material = {"id": "food-overnight", "title": title, "verdict": "谣言", "summary": "正常冷藏的隔夜菜不会致癌。",
                "score": 0.9, "passage": "…", "source": "中国营养学会"}
    reply = f"【谣言】{title}\n{material['summary']}（依据：中国营养学会）"
    return {"intent": "rumor", "answer": reply, "confidence": 0.9, "abstained": False, "measures": [],
            "targets": [], "units": [], "citations": [],
            "rumor": {"matched": True, "verdict": "谣言", "reply": reply, "materials": [material], "confidence": 0.9}}


@dataclass
class FakeChat:
    reply: dict
    calls: list = field(default_factory=list)

    def answer(self, question: str, session_id: str | None = None, check=None) -> dict:
        self.calls.append((question, session_id))
        return self.reply

    def forget(self, session_id: str) -> None:
        self.calls.append(("<forget>", session_id))


def material(material_id: str, title: str, status: str = "approved", summary: str = "摘要。") -> MaterialRecord:
    return MaterialRecord(id=material_id, title=title, claims=[title], verdict="谣言", summary=summary,
                          source="应急管理部", status=status, updated_at="2024-01-01", body=f"# 说明\n\n{summary}",
                          topics=["消防"], audience=["公众"], reviewed_by="张三", reviewed_at="2024-01-01")


class FakeSearch:
    def __init__(self, records: list[MaterialRecord]):
        self.records = records
        self.calls: list[dict] = []

    def search(self, q="", **kwargs) -> SearchResult:
        self.calls.append({"q": q, **kwargs})
        chosen = [m for m in self.records if kwargs["status"] in ("all", m.status)]
        hits = [SearchHit(m.id, m.title, m.verdict, m.summary, m.topics, m.audience, m.status, m.updated_at,
                          m.source, m.url, 1.0, highlight(m.summary, [q] if q else [])) for m in chosen]
        return SearchResult(q, len(hits), kwargs["offset"], kwargs["k"], hits,
                            {"topic": {"消防": len(hits)}, "verdict": {"谣言": len(hits)}, "audience": {"公众": len(hits)}})


class FakeIndexHandle:
    """The loaded index as the pages read it: its records and today's serving view (the real rule)."""

    def __init__(self, records: list[MaterialRecord]):
        self.materials = {m.id: m for m in records}
        self.rule = ServingRule()

    def get(self):
        return self

    def serving(self, today=None) -> ServingView:
        records = list(self.materials.values())
        return ServingView(today or self.rule.today(), records, np.arange(len(records)), self.rule.grace_days, False)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("pages-ask") / "data"
    data_dir.mkdir()
    return create_app(Settings(data_dir=data_dir, model_dir=data_dir / "no-model", admin_token=TOKEN))


@pytest.fixture
def client(app, monkeypatch):
    records = [material("fire-safe", "火场逃生要弯腰", summary="弯腰低姿快速撤离火场。"),
               material("xss-m", XSS, summary=f"危险文本{XSS}火场"),
               material("draft-m", "草稿素材", status="draft")]
    monkeypatch.setattr(app.state.services, "search", FakeSearch(records))
    monkeypatch.setattr(app.state.services, "material_index", FakeIndexHandle(records))
    with TestClient(app) as test_client:
        yield test_client


def use_chat(app, monkeypatch, reply: dict) -> FakeChat:
    chat = FakeChat(reply)
    monkeypatch.setattr(app.state.services, "chat", chat)
    return chat


def test_empty_page_offers_examples(client):
    html = client.get("/").text
    assert '<form class="ask-form" method="get" action="/"' in html
    assert f'href="/?q={quote("谁负责科普教育基地建设？")}"' in html


def test_policy_answer_shows_units_table_with_links(app, client, monkeypatch):
    use_chat(app, monkeypatch, policy_answer())
    html = client.get("/", params={"q": "谁负责科普教育基地建设？"}).text
    rows = table_rows(html, "units-table")
    assert rows == [["强化科普教育基地建设", "区委宣传部", "区科技局、区教体局", "高新区、各镇", "二、（三）3."]]
    assert f'href="/units/{quote("区委宣传部")}"' in html and 'href="/measures/p/2/3/3"' in html
    assert "plan.txt，第 100–180 字" in html


def test_session_cookie_carries_follow_ups(app, client, monkeypatch):
    chat = use_chat(app, monkeypatch, policy_answer())
    first = client.get("/", params={"q": "谁负责科普教育基地建设？"})
    cookie = first.cookies.get("kepu_sid")
    assert cookie and "httponly" in first.headers["set-cookie"].lower()
    client.get("/", params={"q": "它还负责什么？"})
    assert [sid for _, sid in chat.calls] == [cookie, cookie], "a follow-up must reach the same session"
    client.get("/", params={"reset": "1"})
    assert chat.calls[-1] == ("<forget>", cookie)
    assert client.cookies.get("kepu_sid") != cookie


def test_rumor_answer_shows_verdict_reply_and_material(app, client, monkeypatch):
    use_chat(app, monkeypatch, rumor_answer())
    html = client.get("/", params={"q": "隔夜菜会致癌吗"}).text
    assert '<span class="verdict verdict-rumor">谣言</span>' in html
    assert "正常冷藏的隔夜菜不会致癌。" in html and "依据：中国营养学会" in html
    assert 'href="/materials/food-overnight"' in html and 'data-copy="正常冷藏的隔夜菜不会致癌。"' in html


def test_abstained_answer_is_honest_and_lists_what_kepu_answers(app, client, monkeypatch):
    use_chat(app, monkeypatch, {"intent": "oos", "answer": fmt.OOS_ANSWER, "confidence": 0.1, "abstained": True,
                                "measures": [], "targets": [], "units": [], "citations": []})
    html = client.get("/", params={"q": "明天天气怎么样"}).text
    assert "抱歉，方案中未涉及这个问题。" in html
    assert "kepu 能回答这些问题" in html and "区科协负责哪些工作？" in html


def test_question_and_answer_text_are_escaped(app, client, monkeypatch):
    use_chat(app, monkeypatch, rumor_answer(title=XSS))
    html = client.get("/", params={"q": XSS}).text
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_without_chat_service_the_page_says_so(app, client, monkeypatch):
    monkeypatch.setattr(app.state.services, "chat", None)
    response = client.get("/", params={"q": "谁负责科普教育基地建设？"})
    assert response.status_code == 503 and "问答服务暂时不可用" in response.text


def test_material_search_shows_marked_escaped_snippets(client):
    html = client.get("/materials", params={"q": "火场"}).text
    assert "<mark>火场</mark>" in html
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "草稿素材" not in html, "drafts are for admins only"


def test_public_cannot_ask_for_drafts(app, client):
    client.get("/materials", params={"status": "draft"})
    assert app.state.services.search.calls[-1]["status"] == "approved"
    assert client.get("/materials/draft-m").status_code == 404


def test_admin_sign_in_shows_drafts(app, client):
    refused = client.post("/materials/admin", data={"token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 303 and "admin=invalid" in refused.headers["location"]
    assert "管理口令不正确" in client.get(refused.headers["location"]).text
    signed = client.post("/materials/admin", data={"token": TOKEN, "next": "https://evil.example/"},
                         follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/materials"
    set_cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie and TOKEN not in set_cookie
    html = client.get("/materials", params={"status": "all"}).text
    assert "草稿素材" in html and 'data-status="approved"' in html
    assert client.get("/materials/draft-m").status_code == 200
    client.post("/materials/admin/logout")
    assert client.get("/materials/draft-m").status_code == 404


def test_material_page_escapes_everything(client):
    response = client.get("/materials/xss-m")
    assert response.status_code == 200
    assert "<script>window.__xss" not in response.text and "<img src=x" not in response.text
    assert client.get("/materials/no-such").status_code == 404


def test_marked_lets_only_mark_through():
    assert marked("a<mark>b</mark>c") == "a<mark>b</mark>c"
    assert "<script>" not in marked("<script>x</script><mark>y</mark>")
    assert marked("<mark>open") == "open", "an unbalanced tag is dropped, not passed on"


def test_content_disposition_is_rfc5987():
    value = content_disposition("责任分工表.xlsx")
    assert value == ("attachment; filename=\"matrix.xlsx\"; "
                     "filename*=UTF-8''%E8%B4%A3%E4%BB%BB%E5%88%86%E5%B7%A5%E8%A1%A8.xlsx")


def test_dot_labels_are_escaped_and_svg_has_no_script():
    picture = Picture("t", [Node("a", 'say "hi" \\ ' + XSS, "measure", "/measures/a"), Node("b", "区科协", "unit")],
                      [Edge("b", "a", "牵头", "lead")])
    source = to_dot(picture)
    assert '\\"hi\\"' in source and "\\\\" in source
    renderer = SvgRenderer()
    assert renderer.available, "Graphviz `dot` is missing: run `make system-deps`"
    svg = renderer.render(picture)
    assert svg is not None and svg.startswith("<svg")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert re.search(r'xlink:href="/measures/a"', svg)


def test_clean_svg_refuses_anything_scriptable():
    from qa_service.web.graph_picture import clean_svg

    assert clean_svg('<svg width="1pt" height="1pt"><text>a onerror=b</text></svg>') == \
        '<svg class="graph-svg" role="img" width="1pt" height="1pt"><text>a onerror=b</text></svg>'
    assert clean_svg('<svg><a xlink:title="x onerror=y"></a></svg>') is not None
    for bad in ('<svg onload="x()"></svg>', "<svg><script>x()</script></svg>",
                '<svg><a xlink:href="javascript:x()"></a></svg>', "<svg><foreignObject></foreignObject></svg>"):
        assert clean_svg(bad) is None, bad
