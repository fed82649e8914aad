"""The science team's whole loop in a real headless chromium against a real `kepu serve`-style
uvicorn server (real model, real WeChat crypto; WeChat's API played by the local fake):

an uncovered claim is asked over WeChat; it appears in the queue; an editor logs in for the
first time, drafts from the group and submits; a second account approves; the WeChat asker
receives the push; the public gets the new answer; a 没用 rating shows up for the editors.
Screenshots go to test-artifacts/screenshots/team-*.png.
"""

from __future__ import annotations

import shutil
import time

import httpx
import pytest

from tests.support.browser import DESKTOP, ConsoleWatch, chromium_path, launch_chromium, save_screenshot
from tests.support.live_server import SHIPPED_MATERIALS, LiveServer, kepu, prepare_data_dir
from tests.support.wechat_platform import FakeWeChatApi, WeChatPlatform, random_aes_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MATERIALS = [
    "food-overnight-vegetables-cancer.md",
    "epi-garlic-kills-virus.md",
    "radiation-5g-base-station.md",
    "fire-elevator-escape.md",
]
CLAIM = "听说每天喝醋能软化血管，是真的吗？"
OPENID = "oAsker-browser-1"
TOKEN, APPID = "tok-browser", "wx00112233445566aa"
PASSWORDS = {"编辑甲": "editor-pass-2026", "审核乙": "reviewer-pass-2026"}


@pytest.fixture(scope="module")
def api():
    with FakeWeChatApi() as server:
        yield server


@pytest.fixture(scope="module")
def platform():
    return WeChatPlatform(TOKEN, APPID, random_aes_key())


@pytest.fixture(scope="module")
def server(tmp_path_factory, api, platform):
    if chromium_path() is None:
        pytest.fail("chromium not installed: `make test` installs it (make system-deps)")
    root = tmp_path_factory.mktemp("team-browser")
    corpus = root / "materials"
    corpus.mkdir()
    for name in MATERIALS:
        if (SHIPPED_MATERIALS / name).is_file():
            shutil.copy(SHIPPED_MATERIALS / name, corpus / name)
    data_dir = prepare_data_dir(root / "data", materials=corpus)
    codes = {}
    for name, role in (("编辑甲", "编辑"), ("审核乙", "审核")):
        out = kepu(["users", "add", name, "--role", role], data_dir)
        codes[name] = out.strip().rsplit("：", 1)[1]
    env = {
        "KEPU_WECHAT_TOKEN": TOKEN,
        "KEPU_WECHAT_APPID": APPID,
        "KEPU_WECHAT_AES_KEY": platform.aes_key,
        "KEPU_WECHAT_SECRET": "secret",
        "KEPU_WECHAT_API_BASE": api.base_url,
    }
    with LiveServer(data_dir, env=env) as live:
        live.codes = codes
        yield live


@pytest.fixture(scope="module")
def browser(server):
    with launch_chromium() as chromium:
        yield chromium


def _context(browser, server):
    context = browser.new_context(base_url=server.url, locale="zh-CN", **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.watch = ConsoleWatch(page)
    return context, page


def _first_login(page, name: str, code: str) -> None:
    page.goto("/team/login")
    page.fill("#login-name", name)
    page.fill("#login-password", code)
    page.click("form.team-form button[type=submit]")
    page.wait_for_selector("text=首次登录：请设置密码")
    page.fill("#pw1", PASSWORDS[name])
    page.fill("#pw2", PASSWORDS[name])
    page.click("form.team-form button[type=submit]")
    page.wait_for_selector("text=密码已保存")


def _wechat(server, platform, text: str) -> str:
    response = httpx.post(server.url + "/wechat", timeout=30, **platform.request(platform.text(OPENID, text)))
    reply = platform.read_reply(response.text)
    return reply.content if reply else ""


def test_the_whole_loop(server, browser, api, platform):
    first = _wechat(server, platform, CLAIM)
    assert "暂时还没有经过核实" in first, first

    context, page = _context(browser, server)
    _first_login(page, "编辑甲", server.codes["编辑甲"])
    save_screenshot(page, "team-dashboard")
    page.goto("/team/queue")
    row = page.locator("tr.queue-group", has_text="喝醋")
    row.wait_for()
    save_screenshot(page, "team-queue")
    row.locator("text=起草素材").click()
    page.wait_for_selector("#m-claims")
    assert "喝醋" in page.input_value("#m-claims"), "the group's wording is prefilled"
    page.fill("#m-id", "vinegar-vessels-team")
    page.fill("#m-title", "每天喝醋能软化血管吗？")
    page.select_option("#m-verdict", "谣言")
    page.fill(
        "#m-summary",
        "醋进入人体后很快被消化液中和，不会改变血液酸碱度，也不能软化血管；保护血管要控制血压、血脂、血糖并戒烟。",
    )
    page.fill("#m-source", "中国营养学会《中国居民膳食指南（2022）》")
    page.fill("#m-body", "醋的主要成分是醋酸，进入消化道后被中和吸收，不会到达血管壁。")
    page.click("button[value=save]")
    page.wait_for_selector("text=草稿已保存")
    page.click("button[value=preview]")
    page.wait_for_selector("pre.wechat-bubble")
    assert page.locator("pre.wechat-bubble").inner_text().startswith("【谣言】每天喝醋能软化血管吗？")
    save_screenshot(page, "team-draft-preview")
    page.click("text=提交审核")
    page.wait_for_selector("text=已提交审核")
    assert page.locator("text=审核通过并发布").count() == 0, "an editor has no approve button"
    assert not page.watch.errors, page.watch.errors
    context.close()

    context, page = _context(browser, server)
    _first_login(page, "审核乙", server.codes["审核乙"])
    page.goto("/team/materials")
    page.locator("#list-submitted a", has_text="每天喝醋能软化血管吗").click()
    page.click("text=审核通过并发布")
    page.wait_for_selector("text=已审核通过并发布")
    save_screenshot(page, "team-approved")
    context.close()

    deadline = time.monotonic() + 60
    while not api.sent and time.monotonic() < deadline:
        time.sleep(0.2)
    [pushed] = [c for c in api.sent if c.body["touser"] == OPENID]
    assert "醋进入人体后很快被消化液中和" in pushed.body["text"]["content"]

    context, page = _context(browser, server)
    page.goto("/?q=" + CLAIM)
    page.wait_for_selector("section.answer")
    assert page.locator('article.material-card a[href="/materials/vinegar-vessels-team"]').count() == 1, (
        "the public gets the new answer"
    )
    page.fill("#rate-reason", "没说每天喝多少醋算多")
    page.click("form.rate-form button[value=useless]")
    page.wait_for_selector("text=谢谢您的评价")
    context.close()

    context, page = _context(browser, server)
    page.goto("/team/login")
    page.fill("#login-name", "编辑甲")
    page.fill("#login-password", PASSWORDS["编辑甲"])
    page.click("form.team-form button[type=submit]")
    page.goto("/team/feedback")
    page.wait_for_selector("article.useless-answer")
    assert "没说每天喝多少醋算多" in page.locator("article.useless-answer").first.inner_text()
    save_screenshot(page, "team-feedback")
    page.goto("/team")
    page.wait_for_selector("img[src='/team/charts/questions.svg']")
    assert (
        page.evaluate("document.querySelector(\"img[src='/team/charts/questions.svg']\").naturalWidth") > 0
    ), "the chart image loads"
    save_screenshot(page, "team-dashboard-after")
    assert not page.watch.errors, page.watch.errors
    context.close()
