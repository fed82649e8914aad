"""The plan pages over the shipped plan, through FastAPI's TestClient: 措施, 单位, 责任分工表, 图谱.

Fast: no model (KEPU_MODEL_DIR points nowhere, so answers are lexical) and no material index.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from graph.settings import Settings
from qa_service.app import create_app
from qa_service.cli import app as cli
from qa_service.web.graph_picture import SvgRenderer
from tests.support.browser import table_rows
from tests.support.live_server import SHIPPED_PLAN

PLAN_ID = "huaiyin_science_literacy_plan_2021-2025_draft"
BASE_MEASURE = f"{PLAN_ID}/2/3/3"  # 二、（三）3. 强化科普教育基地建设, led by 区委宣传部


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    data_dir = tmp_path_factory.mktemp("pages") / "data"
    result = CliRunner(env={"KEPU_GRAPH_URI": ""}).invoke(
        cli, ["--data-dir", str(data_dir), "ingest", "plan", str(SHIPPED_PLAN)])
    assert result.exit_code == 0, result.output
    settings = Settings(data_dir=data_dir, model_dir=data_dir / "no-model")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_pages_carry_security_headers(client):
    for url in ("/", "/matrix", "/units", "/units/区科协", f"/measures/{BASE_MEASURE}", "/materials", "/nope"):
        response = client.get(url)
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, f"{url}: CSP {csp!r}"
        assert "frame-ancestors 'none'" in csp
        assert response.headers.get("x-content-type-options") == "nosniff", url
        assert response.headers.get("x-frame-options") == "DENY", url
        assert response.headers.get("referrer-policy"), url


def test_pages_use_only_local_assets_and_no_inline_script(client):
    html = client.get("/").text
    assert 'src="/static/app.js' in html and 'href="/static/style.css' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script> would be blocked by the CSP"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "pages must not load anything from another host"
    assert client.get("/static/app.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_matrix_shows_every_measure_with_its_units(client):
    response = client.get("/matrix")
    assert response.status_code == 200
    rows = table_rows(response.text, "matrix")
    assert len(rows) == 40, "the shipped plan has 40 measures"
    base = next(r for r in rows if r[2] == "强化科普教育基地建设")
    assert base[1] == "二、（三）3." and base[3] == "区委宣传部"
    assert "共同负责：" in next(r for r in rows if r[2] == "建立完善科技资源科普化机制")[4]
    assert f'href="/measures/{BASE_MEASURE}"' in response.text
    assert f'href="/units/{quote("区委宣传部")}"' in response.text


def test_matrix_filters_by_any_unit_alias_and_chapter(client):
    by_alias = table_rows(client.get("/matrix", params={"unit": "教体局"}).text, "matrix")
    by_full = table_rows(client.get("/matrix", params={"unit": "淮阴区教育体育局"}).text, "matrix")
    assert by_alias and by_alias == by_full
    assert all("区教体局" in " ".join(row) for row in by_alias), "every row must involve 区教体局"
    assert len(by_alias) == 22
    chapter = table_rows(client.get("/matrix", params={"chapter": "三"}).text, "matrix")
    assert chapter and all(row[1].startswith("三、") for row in chapter)
    both = table_rows(client.get("/matrix", params={"chapter": "三", "unit": "教体局"}).text, "matrix")
    assert both and len(both) < len(chapter) and all(row[1].startswith("三、") for row in both)


def test_matrix_unknown_filter_says_so_in_chinese(client):
    response = client.get("/matrix", params={"unit": "不存在的局"})
    assert response.status_code == 404
    assert "未找到单位“不存在的局”" in response.text
    assert client.get("/matrix.csv", params={"unit": "不存在的局"}).status_code == 404
    assert client.get("/matrix", params={"chapter": "九"}).status_code == 404


def test_matrix_csv_download(client):
    response = client.get("/matrix.csv", params={"unit": "教体局"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show Chinese"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    name = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    assert unquote(name) == "责任分工表_区教体局.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][3] == "牵头单位" and len(rows) == 1 + 22
    assert all("区教体局" in ",".join(row) for row in rows[1:])


def test_matrix_xlsx_download(client):
    response = client.get("/matrix.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" + quote("责任分工表.xlsx") in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[3] == "牵头单位"
    assert sheet.max_row - 1 == 40
    chapter = load_workbook(io.BytesIO(client.get("/matrix.xlsx", params={"chapter": "四"}).content)).active
    assert 0 < chapter.max_row - 1 < 40 and all(str(r[1].value).startswith("四、") for r in chapter.iter_rows(min_row=2))


def test_unit_page_resolves_aliases_and_groups_by_chapter(client):
    response = client.get("/units/教体局")
    assert response.status_code == 200
    html = response.text
    assert "<h1>区教体局</h1>" in html and "淮阴区教育体育局" in html
    headings = re.findall(r'<section class="panel chapter-group">\s*<h2>([^<]+)</h2>', html)
    assert headings == ["二、科学普及重点工程", "三、素质提升重点行动", "四、组织实施"][: len(headings)]
    assert len(headings) >= 2
    assert html.count('class="role-badge') == 22
    assert client.get("/units/区文明办").text.count("<h1>区委宣传部</h1>") == 1, "区文明办 is an alias in the plan"


def test_unknown_unit_is_a_friendly_404(client):
    response = client.get("/units/火星局")
    assert response.status_code == 404
    assert "未找到该单位" in response.text and "火星局" in response.text
    assert 'href="/units"' in response.text


def test_units_list_links_every_unit(client):
    html = client.get("/units").text
    for name in ("区科协", "区委宣传部", "区教体局", "各镇", "高新区"):
        assert f'href="/units/{quote(name)}"' in html, name


def test_measure_page_shows_text_units_path_and_source(client):
    response = client.get(f"/measures/{BASE_MEASURE}")
    assert response.status_code == 200
    html = response.text
    path = re.search(r'<nav class="clause-path".*?</nav>', html, re.S).group(0)
    steps = [" ".join(s.split()) for s in re.findall(r"<li>(.*?)</li>", path, re.S)]
    assert steps == ["《淮阴区全民科学素质行动规划实施方案》", "二、科学普及重点工程", "（三）科普基础设施建设工程", "3."]
    lead = re.search(r'<div class="role role-lead">.*?</div>', html, re.S).group(0)
    assert "区委宣传部" in lead and f'/units/{quote("区委宣传部")}' in lead
    assert re.search(r"huaiyin_science_literacy_plan_2021-2025_draft\.txt，第 \d+–\d+ 字", html)
    assert f'href="/graph/measure/{BASE_MEASURE}"' in html


def test_unknown_measure_is_a_friendly_404(client):
    response = client.get(f"/measures/{PLAN_ID}/9/9/9")
    assert response.status_code == 404 and "未找到该措施" in response.text


def test_graph_pages_draw_svg_with_links(client):
    # `make test` installs Graphviz (system-deps), so a missing `dot` is a broken set-up, not a skip.
    assert SvgRenderer().available, "Graphviz `dot` is missing: run `make system-deps`"
    html = client.get(f"/graph/measure/{BASE_MEASURE}").text
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert f'xlink:href="/units/{quote("区委宣传部")}"' in svg
    assert "牵头" in svg and "二、科学普及重点工程" in svg
    unit_svg = re.search(r"<svg.*?</svg>", client.get("/graph/unit/科协").text, re.S).group(0)
    assert unit_svg.count('xlink:href="/measures/') == 35, "区科协 takes part in 35 measures"


def test_graph_page_falls_back_to_a_list_without_dot(client):
    pages = client.app.state.services.pages
    saved, pages.svg = pages.svg, SvgRenderer(dot_binary="")
    try:
        html = client.get(f"/graph/measure/{BASE_MEASURE}").text
    finally:
        pages.svg = saved
    assert "<svg" not in html
    assert "未安装 Graphviz" in html
    assert f'href="/units/{quote("区委宣传部")}"' in html


def test_graph_unknown_unit_404(client):
    assert client.get("/graph/unit/火星局").status_code == 404


def test_unit_pages_keep_two_regions_apart(tmp_path):
    """淮阴区 (shipped) and 罗湖区 (held out) both have a 区财政局: two units, two pages."""
    from graph.store.oxigraph import OxigraphStore
    from ingest.plan_parser import parse_plan_file
    from tests.qa_service.policy.test_policy_regions import LUOHU

    settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model")
    OxigraphStore(settings.graph_dir).put_plans([parse_plan_file(SHIPPED_PLAN), parse_plan_file(LUOHU)])
    with TestClient(create_app(settings)) as client:
        listing = client.get("/units").text
        assert "区财政局（淮阴区）" in listing and "区财政局（罗湖区）" in listing
        both = client.get("/units/区财政局")
        assert (
            both.status_code == 200
            and "区财政局（淮阴区）" in both.text
            and "区财政局（罗湖区）" in both.text
        )
        luohu = client.get("/units/" + quote("区财政局（罗湖区）")).text
        assert (
            "罗湖区支持人工智能OPC发展若干措施" in luohu and "淮阴区全民科学素质行动规划实施方案" not in luohu
        )
        # A measure of each plan links its own region's 区财政局, on its page and in the table.
        huaiyin_key, luohu_key = quote("区财政局（淮阴区）"), quote("区财政局（罗湖区）")
        measure = re.search(r'href="(/measures/[^"]+)"', luohu).group(1)
        page = client.get(measure).text
        assert f'href="/units/{luohu_key}"' in page and f'href="/units/{huaiyin_key}"' not in page
        table = client.get("/matrix").text
        assert f'href="/units/{luohu_key}"' in table and f'href="/units/{huaiyin_key}"' in table
        assert 'href="/units/%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%80"' not in table, "no link to the bare name"
