"""The pages in a real headless chromium against a real uvicorn server, as a user would use them.

The server's data dir holds the shipped plan and a small material corpus (some shipped files, a
draft, and one material full of HTML) ingested with the `kepu` CLI and the real model.
Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.browser import (
    DESKTOP,
    PHONE,
    ConsoleWatch,
    chromium_path,
    launch_chromium,
    save_screenshot,
)
from tests.support.live_server import SHIPPED_MATERIALS, LiveServer, prepare_data_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "browser-test-token"
FIRE = sorted(p.name for p in SHIPPED_MATERIALS.glob("fire-*.md"))
OTHERS = ["food-overnight-vegetables-cancer.md", "epi-garlic-kills-virus.md", "radiation-5g-base-station.md",
          "quake-triangle-of-life.md", "emerg-drowning-silent.md"]
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
XSS_MATERIAL = f"""---
id: xss-probe
title: '{XSS}火灾逃生要点'
claims:
  - '{XSS}火灾时乘电梯逃生最快'
verdict: 谣言
summary: '火灾逃生不要乘电梯。{XSS}'
topics: [应急避险]
audience: [公众]
source: '应急管理部《测试文件》{XSS}'
status: approved
reviewed_by: 测试
reviewed_at: 2024-01-01
updated_at: 2024-01-01
---

火灾逃生要走楼梯。{XSS}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if chromium_path() is None:
        pytest.fail("chromium not installed: `make test` installs it (make system-deps)")
    root = tmp_path_factory.mktemp("pages-browser")
    corpus = root / "materials"
    corpus.mkdir()
    for name in FIRE + OTHERS:
        shutil.copy(SHIPPED_MATERIALS / name, corpus / name)
    shutil.copy(ROOT / "tests" / "data" / "materials_small" / "msg-draft.md", corpus / "msg-draft.md")
    (corpus / "xss-probe.md").write_text(XSS_MATERIAL, encoding="utf-8")
    data_dir = prepare_data_dir(root / "data", materials=corpus)
    with LiveServer(data_dir, env={"KEPU_ADMIN_TOKEN": TOKEN}) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server):
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, locale="zh-CN", **DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.watch = ConsoleWatch(tab)
    yield tab
    context.close()


def no_script_ran(page) -> None:
    page.wait_for_timeout(300)  # give a broken <img onerror> the time to fire
    assert page.evaluate("window.__xss") is None, "a script from question or material text ran"


def test_ask_who_is_responsible_reads_units_from_the_table(page, browser, server):
    page.goto("/")
    page.fill("#q", "谁负责科普教育基地建设？")
    page.click("form.ask-form button[type=submit]")
    page.wait_for_selector("table.units-table")
    row = page.locator("table.units-table tbody tr", has_text="强化科普教育基地建设")
    assert row.locator("td[data-label=牵头单位]").inner_text().strip() == "区委宣传部"
    assert "区科协" in row.locator("td[data-label=配合单位]").inner_text()
    save_screenshot(page, "ask-desktop")
    row.locator("td[data-label=出处] a").click()
    page.wait_for_selector("nav.clause-path")
    assert "强化科普教育基地建设" in page.locator("h1").inner_text()
    assert not page.watch.errors, page.watch.errors

    phone = browser.new_context(base_url=server.url, locale="zh-CN", **PHONE).new_page()
    phone.goto("/?q=" + "谁负责科普教育基地建设？")
    phone.wait_for_selector("table.units-table")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        "the answer must fit a phone screen without sideways scrolling"
    save_screenshot(phone, "ask-phone")
    phone.context.close()


def test_rumour_and_out_of_scope_answers(page):
    page.goto("/?q=" + "隔夜菜会致癌吗？")
    page.wait_for_selector("section.answer")
    assert page.locator(".rumor-verdict .verdict").inner_text() in ("谣言", "误导", "部分正确", "正确", "存疑")
    card = page.locator("article.material-card").first
    assert card.locator('a[href="/materials/food-overnight-vegetables-cancer"]').count() == 1
    assert "依据：" in card.inner_text()
    save_screenshot(page, "ask-rumour")
    page.goto("/?q=" + "今年的世界杯冠军是谁？")
    page.wait_for_selector("section.answer.abstained")
    assert page.locator(".can-answer").is_visible(), "an abstained answer must say what kepu can answer"
    assert page.locator("table.units-table").count() == 0


def test_matrix_xlsx_download_opens_in_openpyxl(page, tmp_path):
    page.goto("/matrix")
    assert page.locator("table.matrix tbody tr").count() == 40
    with page.expect_download() as info:
        page.click("text=Excel（xlsx）")
    download = info.value
    assert download.suggested_filename == "责任分工表.xlsx"
    path = tmp_path / "matrix.xlsx"
    download.save_as(path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][3] == "牵头单位"
    assert sheet.max_row - 1 == 40, "one data row per measure"
    save_screenshot(page, "matrix")

    page.fill("#unit", "教体局")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/matrix?unit=*")
    assert page.locator("table.matrix tbody tr").count() == 22
    with page.expect_download() as info:
        page.click("text=CSV")
    assert info.value.suggested_filename == "责任分工表_区教体局.csv"
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + 22


def test_material_search_with_topic_filter_shows_only_matching_hits(page):
    page.goto("/materials")
    page.select_option("#f-topic", "消防")
    page.click("form.material-filters button[type=submit]")
    page.wait_for_url("**topic=*")
    hits = page.locator("article.hit")
    assert hits.count() > 0
    for i in range(hits.count()):
        topics = hits.nth(i).locator(".tag.topic").all_inner_texts()
        assert "消防" in topics, f"hit {i} has topics {topics}"
    expected = sum("消防" in (SHIPPED_MATERIALS / name).read_text(encoding="utf-8").split("topics:")[1].split("\n")[0]
                   for name in FIRE + OTHERS)
    assert int(page.locator("#hit-total").inner_text()) == expected
    assert hits.count() == min(expected, 10)
    assert page.locator(".facet", has_text="主题").locator("strong").inner_text() == "消防"

    page.fill("#mq", "电动车 充电")
    page.click("form.material-filters button[type=submit]")
    page.wait_for_selector("article.hit mark")
    first = page.locator("article.hit").first
    assert "消防" in first.locator(".tag.topic").all_inner_texts()
    first.locator(".copy-button").click()
    page.wait_for_selector(".copy-button.copied")
    assert page.evaluate("navigator.clipboard.readText()") == first.locator(".copy-button").get_attribute("data-copy")
    save_screenshot(page, "materials-fire")
    assert not page.watch.errors, page.watch.errors


def test_no_script_runs_from_a_question_or_a_material(page):
    page.goto("/")
    page.fill("#q", XSS)
    page.click("form.ask-form button[type=submit]")
    page.wait_for_selector("section.answer, section.notice")
    no_script_ran(page)
    assert "<script>window.__xss=1</script>" in page.locator("h2.question-echo").inner_text()

    page.goto("/materials?q=火灾逃生")
    hit = page.locator("article.hit", has=page.locator('a[href="/materials/xss-probe"]'))
    assert hit.count() == 1
    assert XSS in hit.locator("h2").inner_text()
    no_script_ran(page)
    save_screenshot(page, "xss-materials")
    page.click('a[href="/materials/xss-probe"]')
    page.wait_for_selector("article.material")
    assert XSS in page.locator("h1").inner_text()
    no_script_ran(page)
    assert not page.watch.csp_violations, "escaping, not the CSP, must stop these"


def test_unit_page_by_alias_groups_measures_by_chapter(page):
    page.goto("/units/教体局")
    assert page.locator("h1").inner_text() == "区教体局"
    chapters = page.locator("section.chapter-group h2").all_inner_texts()
    assert chapters[:2] == ["二、科学普及重点工程", "三、素质提升重点行动"]
    assert page.locator("section.chapter-group li").count() == 22
    save_screenshot(page, "unit-jiaotiju")
    page.goto("/units/火星局")
    assert "未找到该单位" in page.locator("h1").inner_text()


def test_measure_page_shows_clause_path_and_graph(page):
    page.goto("/matrix")
    page.click("table.matrix a:text('强化科普教育基地建设')")
    page.wait_for_selector("nav.clause-path")
    steps = [s.strip() for s in page.locator("nav.clause-path li").all_inner_texts()]
    assert steps == ["《淮阴区全民科学素质行动规划实施方案》", "二、科学普及重点工程", "（三）科普基础设施建设工程", "3."]
    assert page.locator(".role-lead dd").inner_text().strip().startswith("区委宣传部")
    save_screenshot(page, "measure")
    page.click("text=查看关系图")
    page.wait_for_selector("svg.graph-svg")
    save_screenshot(page, "graph-measure")
    page.locator("svg.graph-svg a", has_text="区委宣传部").first.click()
    page.wait_for_url("**/units/**")
    assert page.locator("h1").inner_text() == "区委宣传部"
    assert not page.watch.errors, page.watch.errors


def test_admin_approves_a_draft(page, browser, server):
    page.goto("/materials?q=味精")
    assert page.locator("article.hit", has_text="味精吃多了会致癌吗").count() == 0, "a draft is not public"
    page.fill("#admin-token", TOKEN)
    page.click("form.admin-login button[type=submit]")
    page.wait_for_selector("#admin[data-admin]")
    page.goto("/materials?q=味精&status=draft")
    hit = page.locator("article.hit", has_text="味精吃多了会致癌吗")
    assert hit.locator(".status").inner_text() == "草稿"
    save_screenshot(page, "materials-admin")
    hit.locator("button.admin-action.approve").click()
    page.wait_for_selector(".admin-actions[data-done=approved]")

    public = browser.new_context(base_url=server.url).new_page()
    public.goto("/materials?q=味精")
    assert public.locator("article.hit", has_text="味精吃多了会致癌吗").count() == 1
    public.context.close()
