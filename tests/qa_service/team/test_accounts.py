"""Accounts: first login with the setup code, passwords, sessions, CSRF, rate limit, API tokens,
the bootstrap admin token, the audit table, `kepu users`."""

from __future__ import annotations

import re
from urllib.parse import quote

from typer.testing import CliRunner

from qa_service.cli import app as cli
from qa_service.team import audit
from qa_service.team.accounts import Accounts
from qa_service.team.sessions import MAX_FAILURES_PER_NAME
from tests.qa_service.team.conftest import BOOT_TOKEN, sign_in

PASSWORD = "长城-secure-2026"


def _csrf(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


def test_first_login_sets_the_password_then_the_code_is_spent(client, members):
    editor = members["editor"]
    response = sign_in(client, editor.name, editor.code)
    assert response.headers["location"] == "/team/password?first=1"
    page = client.get("/team/password?first=1")
    assert "首次登录" in page.text
    saved = client.post(
        "/team/password",
        data={"csrf": _csrf(page.text), "password": PASSWORD, "again": PASSWORD},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    client.cookies.clear()
    page = client.get("/team/login")
    spent = client.post(
        "/team/login", data={"name": editor.name, "password": editor.code, "csrf": _csrf(page.text)}
    )
    assert spent.status_code == 401 and "用户名或密码不正确" in spent.text, "the setup code works only once"
    assert sign_in(client, editor.name, PASSWORD).headers["location"] == "/team"
    assert client.get("/api/team/me").json() == {"name": "编辑员", "role": "editor", "via": "session"}


def test_a_short_password_is_refused_in_chinese(client, members):
    sign_in(client, members["viewer"].name, members["viewer"].code)
    page = client.get("/team/password?first=1")
    response = client.post(
        "/team/password", data={"csrf": _csrf(page.text), "password": "short", "again": "short"}
    )
    assert response.status_code == 422 and "密码至少 10 个字符" in response.text


def test_forms_without_the_csrf_token_are_refused(client, members):
    admin = members["admin"]
    sign_in(client, admin.name, admin.code)
    refused = client.post("/team/users", data={"name": "新人", "role": "编辑"})
    assert refused.status_code == 403 and "页面已过期" in refused.text
    wrong = client.post("/team/users", data={"name": "新人", "role": "编辑", "csrf": "forged"})
    assert wrong.status_code == 403
    page = client.get("/team/users")
    made = client.post("/team/users", data={"name": "新人", "role": "编辑", "csrf": _csrf(page.text)})
    assert made.status_code == 200 and "新人 的一次性设置码" in made.text
    # The login form itself carries a token bound to a cookie.
    client.cookies.clear()
    forged_login = client.post("/team/login", data={"name": admin.name, "password": admin.code, "csrf": "x"})
    assert forged_login.status_code == 403


def test_json_writes_from_a_session_need_the_csrf_header(client, members):
    editor = members["editor"]
    sign_in(client, editor.name, editor.code)
    body = {
        "id": "t-csrf",
        "title": "测试素材标题",
        "claims": ["一个说法"],
        "verdict": "谣言",
        "summary": "这是一段摘要文字。",
        "source": "测试机构《测试依据文件》",
    }
    assert client.post("/api/admin/materials", json=body).status_code == 403
    csrf = _csrf(client.get("/team/password").text)
    assert client.post("/api/admin/materials", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_login_attempts_are_rate_limited(client, members):
    name = members["viewer"].name
    for _ in range(MAX_FAILURES_PER_NAME):
        page = client.get("/team/login")
        assert (
            client.post(
                "/team/login", data={"name": name, "password": "wrong-password", "csrf": _csrf(page.text)}
            ).status_code
            == 401
        )
    page = client.get("/team/login")
    blocked = client.post(
        "/team/login", data={"name": name, "password": members["viewer"].code, "csrf": _csrf(page.text)}
    )
    assert blocked.status_code == 429, "even the right code is refused once the limit is reached"
    assert "15 分钟" in blocked.text and blocked.headers["retry-after"] == "900"


def test_logout_ends_the_session_everywhere(client, members):
    viewer = members["viewer"]
    sign_in(client, viewer.name, viewer.code)
    cookie = client.cookies.get("kepu_team")
    page = client.get("/team/password")
    assert (
        client.post("/team/logout", data={"csrf": _csrf(page.text)}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.set("kepu_team", cookie)
    assert client.get("/api/team/me").status_code == 401, "a copied cookie dies with the session"


def test_a_tampered_cookie_is_not_a_session(client, members):
    client.cookies.set("kepu_team", "abc.def.ghi")
    assert client.get("/api/team/me").status_code == 401
    assert client.get("/team", follow_redirects=False).headers["location"].startswith("/team/login")


def test_api_tokens_and_the_bootstrap_token(client, members):
    assert client.get("/api/team/me", headers=members["reviewer"].headers).json()["role"] == "reviewer"
    boot = client.get(
        "/api/team/me", headers={"X-Kepu-Token": BOOT_TOKEN, "X-Kepu-User": quote("值班")}
    ).json()
    assert boot == {"name": "值班", "role": "admin", "via": "bootstrap"}
    assert client.get("/api/team/me", headers={"X-Kepu-Token": "kepu_forged"}).status_code == 403


def test_disabling_a_member_revokes_their_token(client, members, database):
    Accounts(database).set_disabled(members["editor"].name, True, "管理员")
    assert client.get("/api/team/me", headers=members["editor"].headers).status_code == 403


def test_every_write_names_its_user_in_the_audit_table(client, members, database):
    body = {
        "id": "t-audit",
        "title": "审计测试素材",
        "claims": ["一个说法"],
        "verdict": "谣言",
        "summary": "这是一段摘要文字。",
        "source": "测试机构《测试依据文件》",
    }
    assert (
        client.post("/api/admin/materials", json=body, headers=members["editor"].headers).status_code == 201
    )
    approved = client.post(
        "/api/admin/materials/t-audit/status",
        json={"status": "approved"},
        headers=members["reviewer"].headers,
    )
    assert approved.status_code == 200, approved.text
    rows = audit.entries(database, target="t-audit")
    assert [(r["user"], r["action"]) for r in rows] == [
        ("审核员", "material.status"),
        ("编辑员", "material.create"),
    ]
    added = [r for r in audit.entries(database) if r["action"] == "user.add"]
    assert {r["target"] for r in added} == {"查看员", "编辑员", "审核员", "管理员"} and {
        r["user"] for r in added
    } == {"test"}


def test_a_reviewer_cannot_approve_their_own_draft(client, members):
    reviewer = members["reviewer"]
    body = {
        "id": "t-own",
        "title": "自己写的素材",
        "claims": ["一个说法"],
        "verdict": "谣言",
        "summary": "这是一段摘要文字。",
        "source": "测试机构《测试依据文件》",
    }
    assert client.post("/api/admin/materials", json=body, headers=reviewer.headers).status_code == 201
    own = client.post(
        "/api/admin/materials/t-own/status", json={"status": "approved"}, headers=reviewer.headers
    )
    assert own.status_code == 403 and "不能审核通过自己" in own.json()["detail"]
    other = client.post(
        "/api/admin/materials/t-own/status", json={"status": "approved"}, headers=members["admin"].headers
    )
    assert other.status_code == 200


def test_cli_users_add_prints_a_setup_code_that_logs_in(client, settings):
    runner = CliRunner()
    env = {"KEPU_DATABASE_URL": settings.database_url}
    added = runner.invoke(
        cli, ["--data-dir", str(settings.data_dir), "users", "add", "王老师", "--role", "审核"], env=env
    )
    assert added.exit_code == 0, added.output
    code = added.output.strip().rsplit("：", 1)[1]
    assert sign_in(client, "王老师", code).headers["location"] == "/team/password?first=1"
    bad = runner.invoke(
        cli, ["--data-dir", str(settings.data_dir), "users", "add", "李四", "--role", "老板"], env=env
    )
    assert bad.exit_code == 2 and "角色应为以下之一" in bad.output
    listed = runner.invoke(cli, ["--data-dir", str(settings.data_dir), "users", "list"], env=env)
    assert "王老师\t审核\t待首次登录" in listed.output


def test_cli_queue_export_and_review_due(settings, tmp_path):
    from openpyxl import load_workbook

    from graph.db import open_database
    from tests.support.database import seed_queue_group

    seed_queue_group(open_database(settings), channel="web", asker="s", question_id="b" * 32)
    runner = CliRunner()
    env = {"KEPU_DATABASE_URL": settings.database_url}
    out = tmp_path / "queue.xlsx"
    done = runner.invoke(
        cli, ["--data-dir", str(settings.data_dir), "queue", "export", "-o", str(out)], env=env
    )
    assert done.exit_code == 0, done.output
    assert load_workbook(out).active["B2"].value == "喝醋能软化血管吗"
    bad = runner.invoke(
        cli, ["--data-dir", str(settings.data_dir), "queue", "export", "-o", str(tmp_path / "q.txt")], env=env
    )
    assert bad.exit_code == 2 and ".csv 或 .xlsx" in bad.output
    due = runner.invoke(cli, ["--data-dir", str(settings.data_dir), "review", "due"], env=env)
    assert due.exit_code == 0 and "30 天内到期" in due.output
